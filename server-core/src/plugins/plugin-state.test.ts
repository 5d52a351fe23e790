import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { probe } from '../../test/plugins/stateful';

const STATEFUL = path.join(__dirname, '../../test/plugins/stateful');
const EVERYTHING = path.join(__dirname, '../../test/plugins/everything');

describe("a plugin's state", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { plugins: [{ name: 'stateful', path: STATEFUL }, { name: 'everything', path: EVERYTHING, config: { label: 'hello' } }] } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('what start returns is handed to reconfigure and stop, one state per run', async () => {
    expect(server.server.plugins.get('stateful')).toMatchObject({ state: 'running' });
    await server.server.plugins.reconfigure('stateful', { label: 'second' });
    expect(probe.reconfigured).toEqual([{ run: 1, labels: ['first', 'second'] }]);
    await server.server.plugins.disable('stateful');
    expect(probe.stopped).toEqual([{ run: 1, labels: ['first', 'second'] }]);
    expect(probe.stopped[0]).toBe(probe.reconfigured[0]);

    await server.server.plugins.enable('stateful');
    await server.server.plugins.disable('stateful');
    expect(probe.stopped.map((state) => state.run)).toEqual([1, 2]);
    expect(probe.stopped[1]).toEqual({ run: 2, labels: ['second'] });
  });

  test('a plugin whose start returns nothing reconfigures and stops as before', async () => {
    await server.server.plugins.reconfigure('everything', { label: 'changed' });
    expect(server.server.plugins.get('everything')).toMatchObject({ state: 'running', error: null });
    await server.server.plugins.disable('everything');
    expect(server.server.plugins.get('everything')).toMatchObject({ state: 'stopped', error: null });
  });
});
