/**
 * Voicemail counts in a cluster of three real node processes: the sessions of a user on two
 * nodes without the AMI link each get every change once; a mailbox mapped by name reaches its
 * user; after the senior is SIGKILLed, counts that changed while nobody listened come from the
 * new senior's MailboxCount, on every node.
 */
import type { Element } from 'ltx';
import { xml, type TestClient } from '../support/xmpp-client';
import { PhoneCluster } from './phone-cluster';
import { DOMAIN, settle } from './phone-steps';

const NS = 'urn:asterisk-im:voicemail:0';

let pc: PhoneCluster | undefined;
afterEach(async () => {
  await pc?.stop();
  pc = undefined;
}, 30000);

const voicemail = (s: Element): Element | undefined => (s.is('message') && s.attrs.type === 'headline' && s.attrs.from === `phone.${DOMAIN}` ? s.getChild('voicemail', NS) : undefined);
const told = (client: TestClient): string[] => client.received.map(voicemail).filter((v): v is Element => v !== undefined).map((v) => `${v.attrs.new}/${v.attrs.old}`);
const until = (client: TestClient, expected: string) => pc!.untilTrue(() => told(client).at(-1) === expected, `${client.jid} told ${expected}`, 15000);

async function asked(client: TestClient): Promise<string> {
  const answer = await client.iq(xml('iq', { type: 'get', to: `phone.${DOMAIN}` }, xml('voicemail', { xmlns: NS })));
  const v = answer.getChild('voicemail', NS)!;
  return `${v.attrs.new}/${v.attrs.old}`;
}

test('counts reach every session on every node, and survive a SIGKILLed senior through MailboxCount', async () => {
  pc = await PhoneCluster.start({ leaseMs: 1000, devices: [{ device: 'PJSIP/1004', user: 'carol@localhost', extension: '1004', mailbox: 'sales@office' }] });
  const senior = await pc.waitForSenior();
  const [b, c] = pc.juniors();
  const desk = await pc.online(b!, 'alice', 'desk');
  const phone = await pc.online(c!, 'alice', 'phone');
  const carol = await pc.online(c!, 'carol', 'pc');
  const bob = await pc.online(b!, 'bob', 'pc');
  await Promise.all([until(desk, '0/0'), until(phone, '0/0'), until(carol, '0/0'), until(bob, '0/0')]);

  pc.sim.setMailbox('1001@default', { newMessages: 2, oldMessages: 5 });
  pc.sim.setMailbox('sales@office', { newMessages: 4 });
  await Promise.all([until(desk, '2/5'), until(phone, '2/5'), until(carol, '4/0')]);

  senior.signal('SIGKILL');
  await senior.exited;
  // Nobody listens to Asterisk until the lease runs out: this change reaches no node as an event.
  pc.sim.setMailbox('1001@default', { newMessages: 0, oldMessages: 7 });
  await pc.waitForSenior(senior);
  await Promise.all([until(desk, '0/7'), until(phone, '0/7')]);
  expect(await asked(desk)).toBe('0/7');
  expect(await asked(carol)).toBe('4/0');

  await Promise.all([desk, phone, carol, bob].map(settle));
  expect(told(desk)).toEqual(['0/0', '2/5', '0/7']);
  expect(told(phone)).toEqual(['0/0', '2/5', '0/7']);
  expect(told(carol)).toEqual(['0/0', '4/0']);
  // bob's phone has an empty box of its own, and no one else's counts.
  expect(told(bob)).toEqual(['0/0']);
}, 90000);
