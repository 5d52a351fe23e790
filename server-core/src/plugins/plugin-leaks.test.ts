import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import type { IqHandlers } from '../routing';
import { EVERYTHING_NS, probe } from '../../test/plugins/everything';

const EVERYTHING = path.join(__dirname, '../../test/plugins/everything');

/** IqHandlers keeps its map private and has no count; the test reads it to see leaks directly. */
const iqHandlerCount = (handlers: IqHandlers) => (handlers as unknown as { handlers: Map<string, unknown> }).handlers.size;
const timerCount = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

function footprint(server: TestServer) {
  const core = server.server.context;
  const listeners = (emitter: { eventNames(): Array<string | symbol>; listenerCount(event: string | symbol): number }) =>
    emitter.eventNames().reduce((sum, event) => sum + emitter.listenerCount(event), 0);
  return {
    interceptors: core.interceptors.count,
    iqHandlers: iqHandlerCount(core.iqHandlers),
    components: core.router.componentDomains().length,
    discoFeatures: core.disco.features.size,
    discoItems: core.disco.items.length,
    coreListeners: listeners(core.events),
    clusterListeners: listeners(core.cluster),
    cacheListeners: listeners(core.cluster.createCache('plugin.everything.state')),
    adminRoutes: server.server.plugins.routes.count,
    timers: timerCount(),
  };
}

/**
 * The timer count is process-wide: a one-shot timer of the server's own (a retry, a grace period)
 * or of another test file may be running when the baseline is taken and end before the check, or
 * start after it and end soon. A leak only ever adds timers and never settles, so the check waits
 * for the other counts to match and the timers to be back at or below the baseline.
 */
async function expectSettledFootprint(server: TestServer, expected: ReturnType<typeof footprint>): Promise<void> {
  const settled = () => {
    const { timers, ...rest } = footprint(server);
    const { timers: expectedTimers, ...expectedRest } = expected;
    return JSON.stringify(rest) === JSON.stringify(expectedRest) && timers <= expectedTimers;
  };
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !settled()) await new Promise((r) => setTimeout(r, 50));
  const { timers, ...rest } = footprint(server);
  const { timers: expectedTimers, ...expectedRest } = expected;
  expect(rest).toEqual(expectedRest);
  expect(timers).toBeLessThanOrEqual(expectedTimers);
}

describe('enabling and disabling a plugin', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { plugins: [{ name: 'everything', path: EVERYTHING, enabled: false }] } });
  });
  afterAll(() => server?.stop());

  test('a running plugin holds one of everything', async () => {
    const idle = footprint(server);
    await server.server.plugins.enable('everything');
    expect(footprint(server)).toEqual({
      interceptors: idle.interceptors + 1,
      iqHandlers: idle.iqHandlers + 2,
      components: idle.components + 1,
      discoFeatures: idle.discoFeatures + 1,
      discoItems: idle.discoItems + 2,
      coreListeners: idle.coreListeners + 2,
      clusterListeners: idle.clusterListeners + 2,
      cacheListeners: idle.cacheListeners + 1,
      adminRoutes: idle.adminRoutes + 1,
      timers: idle.timers + 2,
    });
    await server.server.plugins.disable('everything');
    await expectSettledFootprint(server, idle);
  });

  test('50 enable/disable cycles leave nothing behind', async () => {
    const before = footprint(server);
    for (let i = 0; i < 50; i++) {
      await server.server.plugins.enable('everything');
      await server.server.plugins.disable('everything');
    }
    await expectSettledFootprint(server, before);
    expect(server.server.plugins.get('everything')).toMatchObject({ state: 'stopped', error: null });
    expect(server.server.context.iqHandlers.find('server', EVERYTHING_NS)).toBeUndefined();
  });

  test('tasks, messages and cache listeners of a stopped plugin no longer fire', async () => {
    const cluster = server.server.context.cluster;
    await server.server.plugins.enable('everything');
    await cluster.createCache('plugin.everything.state').set('k', 1);
    await cluster.runOnAll('plugin.everything.ping', null);
    const received = new Promise<void>((resolve) => cluster.onMessage('plugin.everything.note', () => resolve()));
    cluster.send(cluster.nodeId, 'plugin.everything.note', 'hi');
    await received;
    expect(probe).toMatchObject({ tasks: 1, messages: 1, cacheEntries: 1 });

    await server.server.plugins.disable('everything');
    await cluster.createCache('plugin.everything.state').set('k', 2);
    const [result] = await cluster.runOnAll('plugin.everything.ping', null);
    expect(result).toMatchObject({ ok: false });
    const second = new Promise<void>((resolve) => cluster.onMessage('plugin.everything.note', () => resolve()));
    cluster.send(cluster.nodeId, 'plugin.everything.note', 'again');
    await second;
    expect(probe).toMatchObject({ tasks: 1, messages: 1, cacheEntries: 1, timerFires: 0 });
  });
});
