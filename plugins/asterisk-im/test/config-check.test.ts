/**
 * `asterisk-im config check` validates the plugin's config against its schema, names the exact
 * key at fault, and masks the AMI secrets when it prints the config.
 */
import { spawnCli as cli, tempConfigFile as tempConfig } from '@asterisk-im/server-core/testing';

describe('asterisk-im config check with the asterisk-im plugin', () => {
  it('prints the effective config with defaults filled in and passwords masked', async () => {
    const configFile = tempConfig({
      domain: 'example.test',
      storage: { kind: 'postgres', url: 'postgres://aim:db-password@db.internal/aim' },
      plugins: [{ name: 'asterisk-im', config: { servers: [{ name: 'pbx1', host: 'pbx', username: 'aim', secret: 'ami-secret' }] } }],
    });
    const result = await cli(['config', 'check', '--show', '--config', configFile]);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.storage).toEqual({ kind: 'postgres', url: 'postgres://aim:***@db.internal/aim', poolSize: 10 });
    expect(shown.plugins[0].config.servers[0]).toEqual({ name: 'pbx1', host: 'pbx', username: 'aim', secret: '***' });
    expect(shown.listeners.c2s).toEqual({ host: '0.0.0.0', port: 5222, requireTls: true });
    expect(result.stdout).not.toContain('db-password');
    expect(result.stdout).not.toContain('ami-secret');
  });

  it("checks each plugin's config against the plugin's schema and names the exact key", async () => {
    const configFile = tempConfig({ plugins: [{ name: 'motd', config: { text: 'hi' } }, { name: 'asterisk-im', config: { ami: { host: 'pbx' }, link: { resyncTimeoutMs: 1 } } }] });
    const result = await cli(['config', 'check', '--config', configFile]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'config error at plugins[1].config.link.resyncTimeoutMs: unknown key (known keys here: reconnectMinMs, reconnectMaxMs, actionTimeoutMs, keepAliveMs, connectTimeoutMs, stopGraceMs, maxLineBytes, maxMessageLines) (plugin asterisk-im)',
        'config error at plugins[1].config.ami: unknown key (known keys here: servers, devices, settings, link) (plugin asterisk-im)',
        '',
      ].join('\n'),
    });
  });

  it('finds a bundled plugin by its name and says ok when its config passes', async () => {
    const configFile = tempConfig({ plugins: [{ name: 'asterisk-im', config: { link: { maxLineBytes: 4096, maxMessageLines: 256 } } }] });
    expect(await cli(['config', 'check', '--config', configFile])).toEqual({ code: 0, stdout: 'config ok: domain localhost, storage sqlite, cluster none\n', stderr: '' });
  });
});
