import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './index';

function problemsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function writeConfigFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, text);
  return file;
}

describe('defaults', () => {
  it('an empty config is a complete single-node setup', () => {
    const config = parseConfig({}, { baseDir: '/srv/aim' });
    expect(config.domain).toBe('localhost');
    expect(config.dataDir).toBe('/srv/aim/data');
    expect(config.listeners.c2s).toEqual({ host: '0.0.0.0', port: 5222, requireTls: true });
    expect(config.listeners.c2sDirectTls).toEqual({ host: '0.0.0.0', port: 5223 });
    expect(config.listeners.websocket).toEqual({ host: '0.0.0.0', port: 5280, path: '/xmpp-websocket', tls: false });
    expect(config.listeners.admin).toEqual({ host: '127.0.0.1', port: 9090, allowedHosts: [] });
    expect(config.tls).toEqual({});
    expect(config.storage).toEqual({ kind: 'sqlite', file: '/srv/aim/data/asterisk-im.sqlite' });
    expect(config.cluster).toEqual({ kind: 'none' });
    expect(config.auth).toMatchObject({ allowPlainWithoutTls: false, scramIterations: 4096, revocationCheckMs: 30000 });
    expect(config.limits).toMatchObject({ maxStanzaBytes: 262144, maxXmlDepth: 64, offlineMessagesPerUser: 100, maxSessionsPerUser: 10 });
    expect(config.limits).toMatchObject({ loginAttemptsPerMinute: 20, loginFailuresPerAccountPerMinute: 10, loginFailuresPerAccountAndAddressPerMinute: 5, loginTrustedAddressMs: 86_400_000 });
    expect(config.plugins).toEqual([]);
    expect(config.log.level).toBe('info');
  });

  it('no file and no environment gives the embedded defaults, relative to the working folder', () => {
    const config = loadConfig({ env: {} });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.listeners.c2s).not.toBe(false);
  });

  it('relative paths in a file are relative to the file, and listeners can be turned off', () => {
    const file = writeConfigFile(
      JSON.stringify({
        domain: 'Chat.Example.com',
        dataDir: 'var',
        listeners: { websocket: false, c2s: { port: 0 } },
        tls: { certFile: 'tls/cert.pem', keyFile: '/etc/key.pem' },
        plugins: [{ name: 'greeter', path: '../extensions/greeter', config: { text: 'hi' } }],
      }),
    );
    const dir = path.dirname(file);
    const config = loadConfig({ file, env: {} });
    expect(config.domain).toBe('chat.example.com');
    expect(config.dataDir).toBe(path.join(dir, 'var'));
    expect(config.storage).toEqual({ kind: 'sqlite', file: path.join(dir, 'var', 'asterisk-im.sqlite') });
    expect(config.listeners.websocket).toBe(false);
    expect(config.listeners.c2s).toEqual({ host: '0.0.0.0', port: 0, requireTls: true });
    expect(config.tls).toEqual({ certFile: path.join(dir, 'tls/cert.pem'), keyFile: '/etc/key.pem' });
    expect(config.plugins).toEqual([
      { name: 'greeter', path: path.resolve(dir, '../extensions/greeter'), enabled: true, config: { text: 'hi' } },
    ]);
  });

  it('the file comes from AIM_CONFIG when no file is given', () => {
    const file = writeConfigFile('{ "domain": "from-env-file.test" }');
    expect(loadConfig({ env: { AIM_CONFIG: file } }).domain).toBe('from-env-file.test');
  });
});

describe('validation errors name the key', () => {
  const cases: [string, unknown, string][] = [
    ['a port that is not a number', { listeners: { c2s: { port: 'abc' } } }, 'config error at listeners.c2s.port: expected a port number from 0 to 65535 (0 picks a free port), got "abc"'],
    ['a port out of range', { listeners: { admin: { port: 70000 } } }, 'config error at listeners.admin.port: expected a port number from 0 to 65535 (0 picks a free port), got 70000'],
    ['an allowed host that is not a host name', { listeners: { admin: { allowedHosts: ['http://admin.example.com/'] } } }, 'config error at listeners.admin.allowedHosts[0]: expected a host name, optionally with ":port", such as "admin.example.com" or "[2001:db8::1]:9090", got "http://admin.example.com/"'],
    ['a listener that is neither off nor settings', { listeners: { c2s: true } }, 'config error at listeners.c2s: expected false (off) or an object with the listener settings, got true'],
    ['two listeners on one port', { listeners: { websocket: { port: 5222 } } }, 'config error at listeners.websocket.port: port 5222 is already used by listeners.c2s'],
    ['a domain that is not a hostname', { domain: 'bad domain' }, 'config error at domain: expected a hostname such as "chat.example.com", got "bad domain"'],
    ['a certificate without its key', { tls: { certFile: 'cert.pem' } }, 'config error at tls.keyFile: is required when tls.certFile is set (they go together)'],
    ['a key without its certificate', { tls: { keyFile: 'key.pem' } }, 'config error at tls.certFile: is required when tls.keyFile is set (they go together)'],
    ['an unknown storage kind', { storage: { kind: 'mysql' } }, 'config error at storage.kind: expected "sqlite" or "postgres", got "mysql"'],
    ['PostgreSQL without a URL', { storage: { kind: 'postgres' } }, 'config error at storage.url: is required for PostgreSQL storage, e.g. "postgres://user:pass@db:5432/aim"'],
    ['a wrong-typed flag', { auth: { allowPlainWithoutTls: 'yes' } }, 'config error at auth.allowPlainWithoutTls: expected boolean, got "yes"'],
    ['too few SCRAM iterations', { auth: { scramIterations: 10 } }, 'config error at auth.scramIterations: expected an iteration count of at least 1024, got 10'],
    ['an unknown log level', { log: { level: 'loud' } }, 'config error at log.level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['a plugin listed twice', { plugins: [{ name: 'x' }, { name: 'x' }] }, 'config error at plugins[1].name: plugin "x" is listed twice'],
    ['Sentinels without a master name', { cluster: { kind: 'redis', redis: { sentinels: [{ host: 's1', port: 26379 }] } }, storage: { kind: 'postgres', url: 'postgres://db/aim' } }, 'config error at cluster.redis.name: is required with sentinels (the Sentinel master name)'],
    ['a top level that is not an object', [], 'config error at the top level: expected object, got []'],
  ];

  it.each(cases)('%s', (_name, raw, message) => {
    const error = problemsOf(() => parseConfig(raw));
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(message);
  });

  it('an unknown key is refused, naming it and the keys that are allowed there', () => {
    const error = problemsOf(() => parseConfig({ listeners: { c2s: { prot: 5222 } }, colour: 'blue' }));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'config error at listeners.c2s.prot: unknown key (known keys here: host, port, requireTls)',
        expect.stringMatching(/^config error at colour: unknown key \(known keys here: domain, dataDir, listeners, /),
      ]),
    );
  });

  it('a cluster on the embedded SQLite file is refused', () => {
    const error = problemsOf(() => parseConfig({ cluster: { kind: 'redis', redis: { host: 'redis' } } }));
    expect(error.message).toMatch(/^config error at storage\.kind: a cluster needs a shared PostgreSQL database; the embedded SQLite file cannot be shared/);
  });

  it('every problem in a file is listed, each naming the file', () => {
    const file = writeConfigFile(JSON.stringify({ domain: '-x-', limits: { maxXmlDepth: 'deep' } }));
    const error = problemsOf(() => loadConfig({ file, env: {} }));
    expect(error.file).toBe(file);
    expect(error.problems).toHaveLength(2);
    for (const problem of error.problems) expect(problem.endsWith(`(in ${file})`)).toBe(true);
  });
});

describe('reading the file', () => {
  it('a JSON syntax error gives the line and column', () => {
    const file = writeConfigFile('{\n  "domain": "example.com",\n  "dataDir": \n}\n');
    const error = problemsOf(() => loadConfig({ file, env: {} }));
    expect(error.kind).toBe('syntax');
    expect(error.message).toBe(`config syntax error in ${file} at line 4, column 1: expected a value, found "}"`);
  });

  it('a trailing comma is pointed at', () => {
    const file = writeConfigFile('{ "domain": "example.com",\n}');
    expect(problemsOf(() => loadConfig({ file, env: {} })).message).toBe(
      `config syntax error in ${file} at line 1, column 26: trailing comma before "}" (JSON does not allow it)`,
    );
  });

  it('a missing file is reported as unreadable', () => {
    const file = path.join(os.tmpdir(), 'aim-no-such-dir', 'config.json');
    const error = problemsOf(() => loadConfig({ file, env: {} }));
    expect(error.kind).toBe('unreadable');
    expect(error.message).toBe(`cannot read config file ${file}: the file does not exist`);
  });
});

describe('environment overrides', () => {
  it('override file values and turn a listener back on', () => {
    const file = writeConfigFile(JSON.stringify({ domain: 'file.test', listeners: { admin: false } }));
    const config = loadConfig({
      file,
      env: { AIM_DOMAIN: 'env.test', AIM_DATA_DIR: '/var/lib/aim', AIM_C2S_PORT: '15222', AIM_ADMIN_PORT: '19090', AIM_LOG_LEVEL: 'debug' },
    });
    expect(config.domain).toBe('env.test');
    expect(config.dataDir).toBe('/var/lib/aim');
    expect(config.storage).toEqual({ kind: 'sqlite', file: '/var/lib/aim/asterisk-im.sqlite' });
    expect(config.listeners.c2s).toMatchObject({ port: 15222 });
    expect(config.listeners.admin).toEqual({ host: '127.0.0.1', port: 19090, allowedHosts: [] });
    expect(config.log.level).toBe('debug');
  });

  it('switch a node to PostgreSQL and Redis', () => {
    const config = loadConfig({ env: { AIM_DATABASE_URL: 'postgres://aim@db/aim', AIM_REDIS_URL: 'redis://redis:6379', AIM_NODE_ID: 'node-2' } });
    expect(config.storage).toEqual({ kind: 'postgres', url: 'postgres://aim@db/aim', poolSize: 10 });
    expect(config.cluster).toEqual({ kind: 'redis', nodeId: 'node-2', namespace: 'aim', redis: { url: 'redis://redis:6379' }, leaseMs: 2500 });
  });

  it('a bad value names the variable it came from', () => {
    const error = problemsOf(() => loadConfig({ env: { AIM_C2S_PORT: 'abc' } }));
    expect(error.message).toBe('config error at listeners.c2s.port (from AIM_C2S_PORT): expected a port number from 0 to 65535 (0 picks a free port), got "abc"');
  });

  it('explicit overrides win over the environment', () => {
    const config = loadConfig({ env: { AIM_DOMAIN: 'env.test' }, overrides: { domain: 'code.test', listeners: { websocket: false } } });
    expect(config.domain).toBe('code.test');
    expect(config.listeners.websocket).toBe(false);
    expect(config.listeners.c2s).not.toBe(false);
  });
});
