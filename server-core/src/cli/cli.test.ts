import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { openStorage } from '../storage';
import { spawnCli as cli, tempConfigFile as tempConfig } from '../../../test/support/cli-in-process';

async function passwordWorks(configFile: string, user: string, password: string): Promise<boolean> {
  const config = loadConfig({ file: configFile, env: {} });
  const { db, stores } = await openStorage(config.storage);
  try {
    return await stores.accounts.verifyPassword(user, password);
  } finally {
    await db.close();
  }
}

describe('asterisk-im user', () => {
  const configFile = tempConfig({ domain: 'example.test', dataDir: 'data' });

  it('adds, lists, changes the password of and deletes users without ever printing a password', async () => {
    const added = await cli(['user', 'add', 'Alice', '--password', 'first-secret'], { configFile });
    expect(added).toEqual({ code: 0, stdout: 'created user alice@example.test\n', stderr: '' });
    expect(fs.existsSync(path.join(path.dirname(configFile), 'data', 'asterisk-im.sqlite'))).toBe(true);

    const piped = await cli(['user', 'add', 'bob@example.test', '--admin'], { configFile, stdin: 'piped-secret\n' });
    expect(piped).toEqual({ code: 0, stdout: 'created user bob@example.test (admin)\n', stderr: '' });

    expect(await cli(['user', 'list'], { configFile })).toEqual({ code: 0, stdout: 'alice\nbob\tadmin\n', stderr: '' });

    const changed = await cli(['user', 'passwd', 'alice'], { configFile, stdin: 'second-secret\n' });
    expect(changed).toEqual({ code: 0, stdout: 'changed the password of alice@example.test\n', stderr: '' });
    expect(await passwordWorks(configFile, 'alice', 'second-secret')).toBe(true);
    expect(await passwordWorks(configFile, 'alice', 'first-secret')).toBe(false);
    expect(await passwordWorks(configFile, 'bob', 'piped-secret')).toBe(true);

    expect(await cli(['user', 'delete', 'alice'], { configFile })).toEqual({ code: 0, stdout: 'deleted user alice@example.test\n', stderr: '' });
    expect((await cli(['user', 'list'], { configFile })).stdout).toBe('bob\tadmin\n');
  }, 90_000);

  it('refuses a duplicate user with a one-line message and exit code 1', async () => {
    const file = tempConfig({ dataDir: 'data' });
    expect((await cli(['user', 'add', 'carol', '--password', 'pw-one'], { configFile: file })).code).toBe(0);
    const duplicate = await cli(['user', 'add', 'carol', '--password', 'pw-two'], { configFile: file });
    expect(duplicate).toEqual({ code: 1, stdout: '', stderr: "error: user 'carol' already exists\n" });
    expect(await passwordWorks(file, 'carol', 'pw-one')).toBe(true);
  }, 60_000);
});

describe('asterisk-im config check', () => {
  const everything = path.resolve(__dirname, '../../test/plugins/everything');
  const stateful = path.resolve(__dirname, '../../test/plugins/stateful');

  it('prints the effective config with defaults filled in and passwords masked', async () => {
    const configFile = tempConfig({
      domain: 'example.test',
      storage: { kind: 'postgres', url: 'postgres://aim:db-password@db.internal/aim' },
      plugins: [{ name: 'everything', path: everything, config: { label: 'kept', password: 'plugin-secret' } }],
    });
    const result = await cli(['config', 'check', '--show', '--config', configFile]);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.storage).toEqual({ kind: 'postgres', url: 'postgres://aim:***@db.internal/aim', poolSize: 10 });
    expect(shown.plugins[0].config).toEqual({ label: 'kept', password: '***' });
    expect(shown.listeners.c2s).toEqual({ host: '0.0.0.0', port: 5222, requireTls: true });
    expect(result.stdout).not.toContain('db-password');
    expect(result.stdout).not.toContain('plugin-secret');
  });

  it("checks each plugin's config against the plugin's schema and names the exact key", async () => {
    const configFile = tempConfig({ plugins: [{ name: 'stateful', path: stateful, config: { label: 'fine' } }, { name: 'everything', path: everything, config: { label: 5, colour: 'red' } }] });
    const result = await cli(['config', 'check', '--config', configFile]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'config error at plugins[1].config.label: expected string, got 5 (plugin everything)',
        'config error at plugins[1].config.colour: unknown key (known keys here: label, password) (plugin everything)',
        '',
      ].join('\n'),
    });
  });

  it('checks the modules section: each name must be a core module, its config must pass that module\'s schema', async () => {
    const configFile = tempConfig({ modules: { blokking: { enabled: false }, blocking: { config: { strict: true } } } });
    const result = await cli(['config', 'check', '--config', configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^config error at modules\.blokking: there is no core module of that name \(there are disco, .*blocking.*\)$/),
      expect.stringMatching(/^config error at modules\.blocking\.config\.strict: unknown key/),
      '',
    ]);
  });

  it('says ok when every plugin config passes', async () => {
    const configFile = tempConfig({ plugins: [{ name: 'stateful', path: stateful, config: { label: 'fine' } }] });
    expect(await cli(['config', 'check', '--config', configFile])).toEqual({ code: 0, stdout: 'config ok: domain localhost, storage sqlite, cluster none\n', stderr: '' });
  });
});

describe('asterisk-im command line errors', () => {
  it('a bad config file names the key and exits with 1', async () => {
    const configFile = tempConfig({ listeners: { c2s: { port: 'abc' } } });
    const result = await cli(['user', 'list'], { configFile });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `config error at listeners.c2s.port: expected a port number from 0 to 65535 (0 picks a free port), got "abc" (in ${configFile})\n`,
    });
  });

  it('a JSON syntax error gives the line and column and exits with 1', async () => {
    const configFile = tempConfig('{\n  "domain": "example.test"\n  "dataDir": "data"\n}');
    const result = await cli(['user', 'list', '--config', configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`config syntax error in ${configFile} at line 3, column 3: expected "," or "}" after a value, found "\\""\n`);
  });

  it('an unknown command, flag or missing argument exits with 2 and says where to look', async () => {
    const [command, flag, missing] = await Promise.all([cli(['launch']), cli(['user', 'list', '--verbose']), cli(['user', 'delete'])]);
    expect(command).toEqual({ code: 2, stdout: '', stderr: "asterisk-im: unknown command 'launch'. Run 'asterisk-im --help' to see the commands.\n" });
    expect(flag).toEqual({ code: 2, stdout: '', stderr: "asterisk-im: Unknown option '--verbose'. Run 'asterisk-im user list --help'.\n" });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: "asterisk-im: missing <name>. Run 'asterisk-im user delete --help'.\n" });
  });

  it('every command has --help', async () => {
    const help = await cli(['user', 'passwd', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: asterisk-im user passwd <name> \[options\]/);
    expect(help.stdout).toContain('--password <password>');
    expect(help.stdout).toContain('--config <file>');
    const overview = await cli(['--help']);
    for (const words of ['start', 'user add', 'user passwd', 'user delete', 'user list', 'user admin']) expect(overview.stdout).toContain(`  ${words} `);
  });
});
