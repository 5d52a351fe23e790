import { readFileSync } from 'node:fs';
import path from 'node:path';
import { boundaryViolation, scanPlugins, specifiersIn } from './plugin-imports';

const PLUGINS = path.resolve(__dirname, '../../plugins');

describe('the plugin boundary', () => {
  it('plugins import the server only through its public entries', () => {
    const { files, violations } = scanPlugins(PLUGINS);
    expect(files.length).toBeGreaterThan(50);
    expect(violations.map((v) => `${v.file}: '${v.specifier}' ${v.reason}`)).toEqual([]);
  });

  it('the package resolves to the plugin API and its test kit, and refuses deep paths', () => {
    expect(path.relative(PLUGINS, require.resolve('@asterisk-im/server-core'))).toBe(path.join('..', 'server-core', 'src', 'plugin-api', 'index.ts'));
    expect(path.relative(PLUGINS, require.resolve('@asterisk-im/server-core/testing'))).toBe(path.join('..', 'server-core', 'testing', 'index.ts'));
    for (const deep of ['@asterisk-im/server-core/src/xml', '@asterisk-im/server-core/src/plugins/types', '@asterisk-im/server-core/testing/world']) {
      expect(() => require.resolve(deep)).toThrow();
    }
  });

  it('plugins need no double casts: caches, tasks and admin routes take JSON-shaped types', () => {
    const { files } = scanPlugins(PLUGINS);
    const casts = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/\bas unknown as\b/.test(line) ? [`${path.relative(PLUGINS, file)}:${index + 1}`] : [])),
    );
    expect(casts).toEqual([]);
  });

  it("plugins' own code has no escape casts either (`as never`, `as any`)", () => {
    const code = scanPlugins(PLUGINS).files.filter((file) => !file.endsWith('.test.ts') && !file.split(path.sep).includes('test'));
    const casts = code.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/\bas (never|any)\b/.test(line) ? [`${path.relative(PLUGINS, file)}:${index + 1}`] : [])),
    );
    expect(casts).toEqual([]);
  });

  describe('the check itself', () => {
    const root = '/repo/plugins/acme';
    const file = '/repo/plugins/acme/src/index.ts';

    it('finds specifiers of every import form', () => {
      const source = [
        "import { a } from '@asterisk-im/server-core/src/xml';",
        "import type { B } from \"./b\";",
        "export * from '../c';",
        "import './side-effect';",
        "const d = require('../../server-core/src/log');",
        "const e = await import('@asterisk-im/server-core/testing');",
        "jest.mock('../../../test/support/x');",
      ].join('\n');
      expect(specifiersIn(source)).toEqual([
        '@asterisk-im/server-core/src/xml',
        './b',
        '../c',
        './side-effect',
        '../../server-core/src/log',
        '@asterisk-im/server-core/testing',
        '../../../test/support/x',
      ]);
    });

    it('allows the public entries, packages and paths inside the plugin', () => {
      for (const specifier of ['@asterisk-im/server-core', '@asterisk-im/server-core/testing', 'ltx', '@asterisk-im/fixtures/ami-sim', './x', '../test/world']) {
        expect(boundaryViolation(file, root, specifier)).toBeUndefined();
      }
    });

    it('rejects deep server imports and relative paths out of the plugin', () => {
      for (const specifier of ['@asterisk-im/server-core/src/plugins', '@asterisk-im/server-core/src', '../../server-core/src/xml', '../../../test/support/xmpp-client', '../../motd/src']) {
        expect(boundaryViolation(file, root, specifier)).toBeDefined();
      }
    });
  });
});
