/**
 * The benchmarks' watcher in a process of its own, so its receive times are not delayed by the
 * load generator's work: a real XMPP client that prints one JSON line per presence it receives
 * from a contact, stamped with the machine-wide clock `wallNowMs()`. Prints `ready` once its
 * initial presence is sent.
 *
 *   tsx test/bench/watcher-process.ts '{"port":5222,"domain":"localhost","username":"watcher","password":"…"}'
 */
import type { Element } from 'ltx';
import { isPhonePresence } from '../asterisk-im/phone-steps';
import { chatClientCaps } from '../support/client-caps';
import { connectClient, xml } from '../support/xmpp-client';
import { wallNowMs } from './wall-clock';

interface WatcherArgs {
  port: number;
  domain: string;
  username: string;
  password: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WatcherArgs;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  // Caps of a chat client that does not follow the phone activity: the benchmarks time presences only.
  const client = await connectClient({ domain: args.domain, c2sPort: args.port, directTlsPort: 0, websocketUrl: '' }, { username: args.username, password: args.password, resource: 'watcher', caps: chatClientCaps() });
  client.raw.on('stanza', (s: Element) => {
    if (!s.is('presence') || s.attrs.type !== undefined) return;
    const at = wallNowMs();
    process.stdout.write(`${JSON.stringify({ user: String(s.attrs.from).split('@')[0], onPhone: isPhonePresence(s), at })}\n`);
  });
  await client.send(xml('presence'));
  process.stdout.write('ready\n');
  // The parent ends this process by closing stdin or by a signal.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
