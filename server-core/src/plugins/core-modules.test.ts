import { startTestServer } from '../../../test/support/server-harness';

describe('core modules in the config file', () => {
  test('turning off a module another one depends on fails the start, naming both', async () => {
    await expect(startTestServer({ config: { modules: { caps: { enabled: false } } } })).rejects.toThrow(
      'core module pep failed to start: module pep depends on "caps": module caps provides it but is disabled',
    );
  });

  test('a name that is no core module fails the start with the names there are', async () => {
    await expect(startTestServer({ config: { modules: { blockin: { enabled: false } } } })).rejects.toThrow(/^modules\.blockin: there is no core module of that name \(there are .*\bblocking, .*\bupload, .*\bcsi, push, .*\bpresence, stream-management, s2s\)$/);
  });

  test('the dependants turned off too (pep, and bookmarks and avatar-conversion on pep), the server starts without them', async () => {
    const server = await startTestServer({ config: { modules: { caps: { enabled: false }, pep: { enabled: false }, bookmarks: { enabled: false }, 'avatar-conversion': { enabled: false } } } });
    try {
      const modules = server.server.plugins.modules();
      expect(modules.filter((module) => module.core).map((module) => [module.name, module.state])).toEqual(
        expect.arrayContaining([
          ['caps', 'stopped'],
          ['pep', 'stopped'],
          ['blocking', 'running'],
        ]),
      );
      expect(server.server.context.services.get('pep')).toBeUndefined();
      // Core modules keep each other running the way plugins do.
      await expect(server.server.plugins.disable('roster')).rejects.toThrow('module roster cannot stop while presence depends on what it provides; disable presence first');
      expect(server.server.plugins.get('roster')?.state).toBe('running');
    } finally {
      await server.stop();
    }
  });
});
