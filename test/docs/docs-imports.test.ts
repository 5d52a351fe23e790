/** The examples in docs/ import the server as plugins must: through its public entry points only. */
import fs from 'node:fs';
import path from 'node:path';

const DOCS = path.resolve(__dirname, '../../docs');

test('no example in docs/ imports a deep path of @asterisk-im/server-core', () => {
  const pages = fs.readdirSync(DOCS).filter((name) => name.endsWith('.md'));
  expect(pages).toContain('plugins.md');
  const deep = pages.flatMap((page) =>
    fs
      .readFileSync(path.join(DOCS, page), 'utf8')
      .split('\n')
      .flatMap((line, index) => (/['"]@asterisk-im\/server-core\/(?!testing['"])/.test(line) ? [`${page}:${index + 1}: ${line.trim()}`] : [])),
  );
  expect(deep).toEqual([]);
});
