/**
 * Every ```json block in docs/*.md, and every JSON file under docs/ops/, is a tested file: a
 * server config goes through the parser `config check` uses (plugin configs through each
 * plugin's schema, core module configs through each module's), a scenario through the simulator's scenario schema, a block introduced by a
 * file's path must equal that file, and the Grafana dashboard is checked against a node's
 * metrics in test/ops. Anything the test does not recognise fails it, so a new kind of example
 * gets a check too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../server-core/src/config';
import { pluginConfigProblems } from '../../server-core/src/plugins/check-plugin-configs';
import { validateScenario } from '../../fixtures/ami-sim/scenario';
import { CORE_MODULES } from '../../server-core/src/server/modules';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = path.join(ROOT, 'docs');
const CONFIG_KEYS = new Set(['domain', 'dataDir', 'listeners', 'tls', 'storage', 'cluster', 'auth', 'limits', 'plugins', 'modules', 'log']);

interface Example {
  where: string;
  text: string;
  /** A `path/to/file.json` named (in backticks) on the line just before the block. */
  shownFile?: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const name of fs.readdirSync(DOCS).filter((file) => file.endsWith('.md')).sort()) {
    const text = fs.readFileSync(path.join(DOCS, name), 'utf8');
    for (const match of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      const before = text.slice(0, match.index).trimEnd().split('\n').pop() ?? '';
      const shown = /^`([\w./-]+\.json)`:?$/.exec(before.trim())?.[1];
      found.push({ where: `docs/${name}:${text.slice(0, match.index).split('\n').length}`, text: match[1], shownFile: shown });
    }
  }
  const ops = path.join(DOCS, 'ops');
  for (const name of fs.readdirSync(ops).filter((file) => file.endsWith('.json')).sort()) {
    found.push({ where: `docs/ops/${name}`, text: fs.readFileSync(path.join(ops, name), 'utf8') });
  }
  return found;
}

function check(example: Example): void {
  const value: unknown = JSON.parse(example.text);
  if (example.shownFile) {
    expect(value).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, example.shownFile), 'utf8')));
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).every((key) => CONFIG_KEYS.has(key))) {
    const config = parseConfig(value, { baseDir: ROOT });
    expect(pluginConfigProblems(config.plugins, { baseDir: ROOT }).map((entry) => entry.problem)).toEqual([]);
    // A core module's settings go through that module's schema, as the server's start does.
    for (const [name, entry] of Object.entries(config.modules)) {
      const definition = CORE_MODULES.find((module) => module.name === name);
      if (!definition) throw new Error(`${example.where}: modules.${name} is no core module`);
      const parsed = definition.configSchema.safeParse(entry.config ?? {});
      if (!parsed.success) throw new Error(`${example.where}: modules.${name}.config: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    return;
  }
  if (value && typeof value === 'object' && 'panels' in value && example.where === 'docs/ops/grafana-dashboard.json') return;
  if (value && typeof value === 'object' && 'steps' in value) {
    validateScenario(value, example.where);
    return;
  }
  if (value && typeof value === 'object' && 'msg' in value && 'level' in value) {
    // A log line as the server writes it: a pino level and a message.
    expect([10, 20, 30, 40, 50, 60]).toContain((value as { level: unknown }).level);
    expect(typeof (value as { msg: unknown }).msg).toBe('string');
    return;
  }
  throw new Error(`${example.where}: a JSON example of a kind this test does not check; teach it what the block is`);
}

const all = examples();

describe('the JSON examples in docs/', () => {
  it('are found (server configs among them)', () => {
    const configs = all.filter((example) => /"plugins"|"domain"|"storage"/.test(example.text));
    expect(configs.length).toBeGreaterThanOrEqual(5);
  });

  it.each(all.map((example) => [example.where, example] as const))('%s loads', (_where, example) => {
    check(example);
  });
});

describe('the docs JSON check', () => {
  it('refuses a plugin config key the plugin does not know, naming it', () => {
    const config = parseConfig({ plugins: [{ name: 'asterisk-im', config: { link: { resyncTimeoutMs: 10000 } } }] }, { baseDir: ROOT });
    expect(pluginConfigProblems(config.plugins, { baseDir: ROOT }).map((entry) => entry.problem)).toEqual([
      expect.stringMatching(/^config error at plugins\[0\]\.config\.link\.resyncTimeoutMs: unknown key/),
    ]);
  });

  it('refuses a block that is not one of the checked kinds', () => {
    expect(() => check({ where: 'docs/x.md:1', text: '{ "unexpected": true }' })).toThrow(/does not check/);
  });
});
