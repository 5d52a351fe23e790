/**
 * An external component (XEP-0114) on one node (SQLite): `--messages` chat messages from a user to
 * the component and as many from the component to the user, each way timed until the last one
 * arrived; then the median and 95th percentile of `--pings` IQ round trips user → component → user.
 *
 *   npx tsx test/bench/component.ts [--messages 5000] [--pings 500]
 */
import { parseArgs } from 'node:util';
import { connectClient, eventually, startNode, xml } from '../../server-core/testing';
import { freePort } from '../../server-core/testing/redis';
import { connectRawComponent } from '../support/raw-component';

// The test node's certificate is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '5000' }, pings: { type: 'string', default: '500' } } });
const messages = Number(values.messages);
const pings = Number(values.pings);
const DOMAIN = 'gateway.localhost';

async function main(): Promise<void> {
  const port = await freePort();
  const node = await startNode({ config: { log: { level: 'warn' }, modules: { components: { config: { listener: { host: '127.0.0.1', port }, components: [{ domain: DOMAIN, secret: 'bench-secret-1' }] } } } } });
  await node.createUser('alice', 'pw');
  const alice = await connectClient(node, { username: 'alice', password: 'pw', resource: 'bench' });
  await alice.send(xml('presence'));
  const component = await connectRawComponent(port, DOMAIN, 'bench-secret-1');
  try {
    const count = (text: string) => component.received.split(text).length - 1;
    let started = performance.now();
    for (let n = 0; n < messages; n++) await alice.send(xml('message', { to: `bot@${DOMAIN}`, type: 'chat' }, xml('body', {}, `in ${n}`)));
    await eventually('the component has every message', () => count('<body>in ') >= messages, 120000);
    let seconds = (performance.now() - started) / 1000;
    console.log(`user -> component: ${messages} messages in ${seconds.toFixed(2)} s = ${(messages / seconds).toFixed(0)} messages/s`);

    let got = 0;
    alice.raw.on('stanza', (s: { is(n: string): boolean; getChildText(n: string): string | null }) => {
      if (s.is('message') && s.getChildText('body')?.startsWith('out ')) got += 1;
    });
    started = performance.now();
    const batch: string[] = [];
    for (let n = 0; n < messages; n++) batch.push(`<message from='bot@${DOMAIN}' to='alice@localhost/bench' type='chat'><body>out ${n}</body></message>`);
    for (let i = 0; i < batch.length; i += 100) await component.write(batch.slice(i, i + 100).join(''));
    await eventually('alice has every message', () => got >= messages, 120000);
    seconds = (performance.now() - started) / 1000;
    console.log(`component -> user: ${messages} messages in ${seconds.toFixed(2)} s = ${(messages / seconds).toFixed(0)} messages/s`);

    // The component answers each ping as it arrives.
    component.socket.setNoDelay(true);
    let scanned = component.received.length;
    component.socket.on('data', () => {
      const fresh = component.received.slice(scanned);
      const end = fresh.lastIndexOf('>') + 1;
      scanned += end;
      for (const match of fresh.slice(0, end).matchAll(/<iq type="get" id="(p\d+)" to="gateway.localhost" from="([^"]+)"/g)) {
        void component.write(`<iq type='result' id='${match[1]}' from='${DOMAIN}' to='${match[2]}'/>`);
      }
    });
    for (const [what, to] of [['server', node.domain], ['component', DOMAIN]]) {
      const times: number[] = [];
      for (let n = 0; n < pings; n++) {
        const t = performance.now();
        await alice.iq(xml('iq', { type: 'get', id: `p${n}`, to }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`IQ round trip user -> ${what} -> user: median ${times[Math.floor(pings / 2)]!.toFixed(2)} ms, p95 ${times[Math.floor(pings * 0.95)]!.toFixed(2)} ms over ${pings}`);
    }
  } finally {
    await component.dispose();
    await alice.stop();
    await node.stop();
  }
}

void main();
