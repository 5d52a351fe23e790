import fs from 'node:fs';
import { PrivatePostgres, findPostgresBin } from './private-postgres';
import { onPath, postgresProblem } from './probes';

describe('the private PostgreSQL npm test starts when the shared one is not usable', () => {
  it('serves a "test" database on its own port (as the postgres user when run as root) and leaves nothing behind', async () => {
    const bin = findPostgresBin(onPath('initdb'));
    if (!bin) throw new Error('initdb is not installed (Debian/Ubuntu: apt-get install postgresql); this test starts a private PostgreSQL with it');
    const postgres = await PrivatePostgres.start(bin);
    try {
      expect(await postgresProblem(postgres.url)).toBeNull();
      expect(fs.existsSync(postgres.folder)).toBe(true);
    } finally {
      await postgres.stop();
    }
    expect(await postgresProblem(postgres.url)).toMatch(/ECONNREFUSED/);
    expect(fs.existsSync(postgres.folder)).toBe(false);
  });
});
