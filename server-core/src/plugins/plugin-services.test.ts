import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';

const BAD_PROVIDER = path.join(__dirname, '../../test/plugins/bad-provider');

describe('a plugin that gets services wrong fails to start, saying how', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { plugins: [{ name: 'bad-provider', path: BAD_PROVIDER, config: { mistake: 'never-provides' } }] } });
  });
  afterAll(() => server?.stop());

  const attempt = async (mistake: string) => (await server.server.plugins.reconfigure('bad-provider', { mistake })).plugin;

  test.each([
    ['never-provides', 'plugin bad-provider lists "blocking" in provides but did not provide it'],
    ['provides-taken', 'module bad-provider cannot provide "blocking": module blocking already provides it'],
    ['undeclared-use', 'module bad-provider uses "pep" without listing it in depends'],
    ['undeclared-provide', 'module bad-provider provides "pep" without listing it in provides'],
  ])('%s', async (mistake, error) => {
    expect(await attempt(mistake)).toMatchObject({ state: 'failed', error });
    // The real provider is untouched by the failed attempt.
    expect(server.server.context.services.ownerOf('blocking')).toBe('blocking');
  });
});
