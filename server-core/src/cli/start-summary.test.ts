import { parseConfig } from '../config';
import { prettyLine } from '../log';
import { describeRunningServer } from './start-summary';

describe('the start block', () => {
  it('says when client listeners bind all interfaces, and gives a console URL one can open', () => {
    const config = parseConfig({});
    const block = describeRunningServer(
      { domain: 'localhost', runningPlugins: ['greeter'], bundledPlugins: ['greeter', 'phonebook', 'weather'], addresses: { c2s: { host: '0.0.0.0', port: 5222 }, c2sDirectTls: { host: '0.0.0.0', port: 5223 }, websocket: { host: '0.0.0.0', port: 5280 }, admin: { host: '127.0.0.1', port: 9090 } } },
      config,
      ['plugin asterisk-im failed: cannot reach its backend'],
    );
    expect(block).toContain('Clients log in as <user>@localhost on port 5222 (STARTTLS), port 5223 (direct TLS), ws://127.0.0.1:5280/xmpp-websocket\n');
    expect(block).toContain('  c2s, c2sDirectTls, websocket bind all interfaces: other machines can connect (set listeners.<name>.host to "127.0.0.1" to keep them local)\n');
    expect(block).toContain('Admin console: http://127.0.0.1:9090/\n');
    expect(block).not.toContain('setup');
    expect(block).toContain('Plugins running: greeter; bundled but off: phonebook, weather (turn one on with: asterisk-im plugin enable <name>)\n');
    expect(block).toMatch(/warning: plugin asterisk-im failed: cannot reach its backend\nready \(stop with Ctrl\+C or SIGTERM\)\n$/);
  });
});

describe('readable log lines', () => {
  it('show time, level, component and message first, then the other fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5), pid: 1, hostname: 'h', name: 'aim-server', component: 'plugins', plugin: 'greeter', error: 'no text', count: 2, msg: 'plugin failed to start' });
    expect(prettyLine(line)).toBe('03:04:05 WARN  [plugins plugin greeter] plugin failed to start error="no text" count=2');
    expect(prettyLine('not json')).toBe('not json');
  });
});
