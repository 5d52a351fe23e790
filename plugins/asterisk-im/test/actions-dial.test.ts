import type { Element } from 'ltx';
import { iqFailure, xml, type TestClient } from '@asterisk-im/server-core/testing';
import { PHONE_NS } from '../src/actions';
import { AMI_USER, NO_ORIGINATE, startPluginWorld, type PluginWorld } from './admin-world';
import { eventually } from '@asterisk-im/server-core/testing';

let w: PluginWorld;
let alice: TestClient;
let carol: TestClient;

beforeAll(async () => {
  w = await startPluginWorld({ context: 'office', defaultCallerId: 'Switchboard <1000>', dialVariables: { CDR_SOURCE: 'chat' }, firstLegTimeoutMs: 20_000 });
  alice = await w.online('alice', 'desk');
  carol = await w.online('carol', 'desk');
});
afterAll(async () => {
  await w?.stop();
});
afterEach(async () => {
  await w.sim.calls.hangupAll();
  w.sim.resetRecords();
});

function phoneAction(type: string, target: Element, attrs: Record<string, string> = {}): Element {
  return xml('iq', { type: 'set', to: `phone.${w.domain}` }, xml('phone-action', { xmlns: PHONE_NS, type, ...attrs }, target));
}

const originates = () => w.sim.actions().filter((a) => a.action.toLowerCase() === 'originate');
const header = (headers: Array<[string, string]>, key: string) => headers.filter(([k]) => k.toLowerCase() === key.toLowerCase()).map(([, v]) => v);

test('click-to-dial rings the user\'s own primary phone, then the number, with the configured context, caller ID, variables and timeout', async () => {
  const reply = await alice.iq(phoneAction('DIAL', xml('extension', {}, ' 10 02 ')));
  expect(reply.getChild('phone-action', PHONE_NS)?.attrs.type).toBe('DIAL');

  expect(originates()).toHaveLength(1);
  const { headers } = originates()[0]!;
  expect(header(headers, 'Channel')).toEqual(['PJSIP/1001']);
  expect(header(headers, 'Exten')).toEqual(['1002']);
  expect(header(headers, 'Context')).toEqual(['office']);
  expect(header(headers, 'CallerID')).toEqual(['"Alice" <1001>']);
  expect(header(headers, 'Timeout')).toEqual(['20000']);
  expect(header(headers, 'Variable')).toEqual(['CDR_SOURCE=chat']);

  // The simulator answers the first leg and then rings the dialled phone: a real call from 1001 to 1002.
  await eventually('bob\'s phone rings', () => w.sim.deviceState('PJSIP/1002') === 'RINGING');
  expect(w.sim.deviceState('PJSIP/1001')).toBe('INUSE');
  const calls = w.sim.calls.byDevice('PJSIP/1002');
  expect(calls.map((call) => call.caller.device)).toEqual(['PJSIP/1001']);
});

test('dialing a JID dials that user\'s primary extension; a leading + becomes 00', async () => {
  await alice.iq(phoneAction('DIAL', xml('jid', {}, `bob@${w.domain}`)));
  expect(header(originates()[0]!.headers, 'Exten')).toEqual(['1002']);
  await eventually('bob\'s phone rings', () => w.sim.deviceState('PJSIP/1002') === 'RINGING');
  await w.sim.calls.hangupAll();
  await eventually('alice\'s phone is free again', () => w.sim.deviceState('PJSIP/1001') === 'NOT_INUSE');

  await alice.iq(phoneAction('DIAL', xml('extension', {}, '+49 30 1234')));
  expect(header(originates()[1]!.headers, 'Exten')).toEqual(['0049301234']);
});

test('a user without a phone, or dialing a JID without one, gets item-not-found and nothing is originated', async () => {
  expect(await iqFailure(carol, phoneAction('DIAL', xml('extension', {}, '1002')))).toMatchObject({ condition: 'item-not-found' });
  expect(await iqFailure(alice, phoneAction('DIAL', xml('jid', {}, `carol@${w.domain}`)))).toMatchObject({ condition: 'item-not-found' });
  expect(await iqFailure(alice, phoneAction('DIAL', xml('jid', {}, `nobody@${w.domain}`)))).toMatchObject({ condition: 'item-not-found' });
  expect(originates()).toEqual([]);
});

test('malformed actions are bad-request', async () => {
  expect(await iqFailure(alice, phoneAction('DIAL', xml('extension', {}, '10;02')))).toMatchObject({ condition: 'bad-request' });
  expect(await iqFailure(alice, phoneAction('HANGUP', xml('extension', {}, '1002')))).toMatchObject({ condition: 'bad-request' });
  expect(await iqFailure(alice, phoneAction('FORWARD', xml('extension', {}, '1002')))).toMatchObject({ condition: 'bad-request' });
  expect(originates()).toEqual([]);
});

test('an originate Asterisk refuses is undefined-condition with Asterisk\'s reason', async () => {
  // Point the plugin at a manager user that may not originate, as a too narrow manager.conf would.
  const use = async (username: string, secret: string) => {
    expect(await w.admin('PUT', '/servers/pbx', { host: w.sim.host, port: w.sim.port, username, secret })).toMatchObject({ status: 200 });
    await eventually(`the plugin logged in as ${username}`, async () => w.sim.loggedInSessions(username) === 1 && (await w.admin('GET', '/status')).body.links[0]?.state === 'connected');
  };
  await use(NO_ORIGINATE.username, NO_ORIGINATE.secret);
  try {
    const failure = await iqFailure(alice, phoneAction('DIAL', xml('extension', {}, '1002')));
    expect(failure.condition).toBe('undefined-condition');
    const reply = alice.received.filter((s) => s.is('iq') && s.attrs.type === 'error').pop();
    expect(reply?.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBe('Asterisk: Permission denied');
  } finally {
    await use(AMI_USER.username, AMI_USER.secret);
  }
});

test('without an AMI link the action is service-unavailable', async () => {
  w.sim.refuseConnections(true);
  w.sim.dropAllConnections();
  try {
    await eventually('the plugin saw its link go down', async () => (await w.admin('GET', '/status')).body.links[0]?.state !== 'connected');
    expect(await iqFailure(alice, phoneAction('DIAL', xml('extension', {}, '1002')))).toMatchObject({ condition: 'service-unavailable' });
  } finally {
    w.sim.refuseConnections(false);
  }
  await eventually('the plugin logged in again', () => w.sim.loggedInSessions('asteriskim') === 1);
});
