/**
 * The core stands without its plugins: nothing it compiles reaches into `plugins/` (so it
 * builds with that folder deleted), and no Asterisk-IM telephony code lives under
 * `server-core/`. The product name "Asterisk-IM" (and the program `asterisk-im`) and the
 * names of bundled plugins may appear; AMI, PBX, phone, telephony, dialling and queue logic
 * belong to plugins/asterisk-im.
 */
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const CORE = path.join(REPO, 'server-core');
const PLUGINS = path.join(REPO, 'plugins');
/** Workspace packages by name, for `@asterisk-im/<package>/...` imports. */
const WORKSPACES: Record<string, string> = { '@asterisk-im/server-core': CORE, '@asterisk-im/fixtures': path.join(REPO, 'fixtures') };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|js|css|md|json)$/.test(entry.name) ? [full] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)|import\s+'([^']+)'/g;

/** The file an import names, or undefined for a package from node_modules. */
function resolveImport(from: string, specifier: string): string | undefined {
  let base: string | undefined;
  if (specifier.startsWith('.')) base = path.resolve(path.dirname(from), specifier);
  else {
    const workspace = Object.keys(WORKSPACES).find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (workspace) base = path.join(WORKSPACES[workspace], specifier.slice(workspace.length));
    else if (specifier.startsWith('@asterisk-im/')) return path.join(PLUGINS, specifier.slice('@asterisk-im/'.length));
  }
  if (base === undefined) return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'src/index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** Every file the core's TypeScript reaches through its imports, with the chain that reaches it. */
function reachable(): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const queue = sourceFiles(CORE).filter((file) => file.endsWith('.ts'));
  for (const file of queue) chains.set(file, [file]);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (!file.endsWith('.ts') || file.startsWith(PLUGINS) || !fs.existsSync(file)) continue;
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, match[1] ?? match[2] ?? match[3] ?? match[4]);
      if (!target || chains.has(target)) continue;
      chains.set(target, [...chains.get(file)!, target]);
      queue.push(target);
    }
  }
  return chains;
}

/** Telephony terms: what Asterisk-IM the plugin is about, not what the product is called. */
const TELEPHONY = [
  /\bAMI\b/,
  /\bami[-_]/i,
  /\bPBX\b/i,
  /telephony/i,
  /click[- ]to[- ]dial/i,
  /\bP?JSIP\//,
  /\boriginate\b/i,
  /caller[-_ ]?id/i,
  /phone[-_ ]?(state|mapping|event|presence|component|call)s?/i,
  /\bphone\.(\$\{|example)/,
  /queue[-_ ]?(presence|pause|member)/i,
  /\basterisk\b(?!-im)/i,
];

describe('the core without its plugins', () => {
  test('no file the core compiles imports from plugins/ (it builds with plugins/ deleted)', () => {
    const intoPlugins = [...reachable().entries()].filter(([file]) => file.startsWith(PLUGINS + path.sep) || file.includes(`${path.sep}ami-sim${path.sep}`));
    expect(intoPlugins.map(([, chain]) => chain.map((file) => path.relative(REPO, file)).join(' -> '))).toEqual([]);
  });

  test("no core test loads a plugin of plugins/ (the core's tests pass with that folder deleted)", () => {
    // Without plugins/ (the core on its own) there is nothing a test could load.
    const shipped = fs.existsSync(PLUGINS) ? fs.readdirSync(PLUGINS).filter((name) => fs.existsSync(path.join(PLUGINS, name, 'package.json'))) : [];
    if (fs.existsSync(PLUGINS)) expect(shipped.length).toBeGreaterThan(0);
    // A folder path into plugins/, or a config entry naming a shipped plugin (found as bundled).
    const uses = shipped.flatMap((name) => [new RegExp(`plugins/${name}\\b`), new RegExp(`name: '${name}'`)]);
    const found: string[] = [];
    const tests = sourceFiles(CORE).filter((f) => f !== __filename && (f.endsWith('.test.ts') || ['test', 'testing'].includes(path.relative(CORE, f).split(path.sep)[0])));
    expect(tests.length).toBeGreaterThan(50);
    for (const file of tests) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (uses.some((pattern) => pattern.test(line))) found.push(`${path.relative(REPO, file)}:${index + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toEqual([]);
  });

  test('no Asterisk-IM telephony code lives under server-core/', () => {
    const found: string[] = [];
    for (const file of sourceFiles(CORE)) {
      if (file === __filename) continue;
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const term = TELEPHONY.find((pattern) => pattern.test(line));
          if (term) found.push(`${path.relative(REPO, file)}:${index + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toEqual([]);
  });
});
