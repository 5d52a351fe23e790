import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pluginCommandEntries } from './plugin-commands';

/** A plugin folder whose package.json names `cli.js` with the given source. */
function pluginFolder(root: string, name: string, cliSource: string | undefined): string {
  const folder = path.join(root, name);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name, main: 'index.js', ...(cliSource ? { asteriskIm: { cli: 'cli.js' } } : {}) }));
  if (cliSource) fs.writeFileSync(path.join(folder, 'cli.js'), cliSource);
  return folder;
}

const commandModule = (plugin: string, name: string) =>
  `module.exports = { plugin: '${plugin}', commands: [{ name: '${name}', summary: 's', run: async () => 0 }] };`;

describe('collecting plugin commands', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-plugin-commands-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a taken name and a broken module cost a warning each; the other commands stay', () => {
    const warnings: string[] = [];
    const entries = pluginCommandEntries({
      sources: [
        pluginFolder(root, 'clash', commandModule('clash', 'user')),
        pluginFolder(root, 'broken', 'throw new Error("boom");'),
        pluginFolder(root, 'none', undefined),
        pluginFolder(root, 'good', commandModule('good', 'good-thing')),
      ],
      baseDir: root,
      taken: new Set(['user']),
      warn: (message) => warnings.push(message),
    });
    expect(entries.map((entry) => entry.name)).toEqual(['good-thing']);
    expect(warnings).toEqual([
      "warning: plugin clash's command 'user' is ignored: the name is taken",
      `warning: the commands of plugin ${path.join(root, 'broken')} are not available: boom`,
    ]);
  });

  test('a plugin listed twice (bundled and in the config) adds its commands once', () => {
    const folder = pluginFolder(root, 'twice', commandModule('twice', 'twice'));
    const warnings: string[] = [];
    const entries = pluginCommandEntries({ sources: [folder, folder], baseDir: root, taken: new Set(), warn: (m) => warnings.push(m) });
    expect(entries.map((entry) => entry.name)).toEqual(['twice']);
    expect(warnings).toEqual([]);
  });
});
