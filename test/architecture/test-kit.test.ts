import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { specifiersIn } from './plugin-imports';

const SRC = path.resolve(__dirname, '../../server-core/src');
const KIT = path.resolve(__dirname, '../../server-core/testing');
const TESTS = path.resolve(__dirname, '..');

/** The server's own modules: everything under src/ but tests and the plugins they load. */
function serverModules(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return serverModules(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const inside = (folder: string, file: string) => !path.relative(folder, file).startsWith('..');

describe('test support lives outside server-core/src', () => {
  it('no module of the server imports the test kit or the tests', () => {
    const files = serverModules(SRC);
    expect(files.length).toBeGreaterThan(100);
    const offending = files.flatMap((file) =>
      specifiersIn(readFileSync(file, 'utf8'))
        .filter((spec) => spec === '@asterisk-im/server-core/testing' || (spec.startsWith('.') && [KIT, TESTS].some((folder) => inside(folder, path.resolve(path.dirname(file), spec)))))
        .map((spec) => `${path.relative(SRC, file)}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('no test helper module is left in src', () => {
    const helpers = serverModules(SRC).filter((file) => /(^|[-/])(test|testing)([-/.]|$)/.test(path.relative(SRC, file)));
    expect(helpers.map((file) => path.relative(SRC, file))).toEqual([]);
  });
});
