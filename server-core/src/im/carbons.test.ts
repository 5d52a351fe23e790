import { startWorld, chat, bodyIs, roundTrip, xml, type World, type TestClient } from '../../testing/world';
import type { Element } from 'ltx';

const CARBONS = 'urn:xmpp:carbons:2';
const FORWARD = 'urn:xmpp:forward:0';

async function enableCarbons(client: TestClient): Promise<void> {
  await client.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: CARBONS })));
}

/** The forwarded message inside a carbon of `kind`, when `stanza` is one. */
function carbonOf(stanza: Element, kind: 'received' | 'sent'): Element | undefined {
  return stanza.getChild(kind, CARBONS)?.getChild('forwarded', FORWARD)?.getChild('message');
}

const carbonWithBody = (kind: 'received' | 'sent', body: string) => (stanza: Element) => carbonOf(stanza, kind)?.getChildText('body') === body;

describe('message carbons (XEP-0280)', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob']);
  });
  afterEach(() => world.stop());

  test('a chat delivered to one resource is copied as <received/> to the other enabled resource', async () => {
    const desk = await world.online('alice', 'desk', { priority: 5 });
    const phone = await world.online('alice', 'phone', { priority: 1 });
    await enableCarbons(phone);
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'hi alice'));

    await desk.waitFor(bodyIs('hi alice'));
    const carbon = await phone.waitFor(carbonWithBody('received', 'hi alice'), 5000, 'a received carbon');
    expect(carbon.attrs.from).toBe(jid('alice'));
    expect(carbon.attrs.to).toBe(`${jid('alice')}/phone`);
    expect(carbonOf(carbon, 'received')?.attrs.from).toBe(`${jid('bob')}/pc`);
  });

  test('a chat a user sends is copied as <sent/> to their other enabled resources', async () => {
    const desk = await world.online('alice', 'desk');
    const phone = await world.online('alice', 'phone');
    await enableCarbons(phone);
    const bob = await world.online('bob', 'pc');
    await desk.send(chat(jid('bob'), 'hello bob'));

    await bob.waitFor(bodyIs('hello bob'));
    const carbon = await phone.waitFor(carbonWithBody('sent', 'hello bob'), 5000, 'a sent carbon');
    expect(carbon.attrs.from).toBe(jid('alice'));
    expect(carbonOf(carbon, 'sent')?.attrs.to).toBe(jid('bob'));
    expect(carbonOf(carbon, 'sent')?.attrs.from).toBe(`${jid('alice')}/desk`);
  });

  test('resources without carbons, private messages and disabled carbons get no copies', async () => {
    const desk = await world.online('alice', 'desk', { priority: 5 });
    const phone = await world.online('alice', 'phone', { priority: 1 });
    const tablet = await world.online('alice', 'tablet', { priority: 1 });
    await enableCarbons(phone);
    const bob = await world.online('bob', 'pc');

    await bob.send(chat(jid('alice'), 'private one', 'chat', xml('private', { xmlns: CARBONS })));
    await bob.send(chat(jid('alice'), 'public one'));
    await phone.waitFor(carbonWithBody('received', 'public one'));
    await desk.waitFor(bodyIs('private one'));
    expect(phone.received.some(carbonWithBody('received', 'private one'))).toBe(false);

    await phone.iq(xml('iq', { type: 'set' }, xml('disable', { xmlns: CARBONS })));
    await bob.send(chat(jid('alice'), 'after disable'));
    await bob.send(chat(`${jid('alice')}/phone`, 'sync marker'));
    await desk.waitFor(bodyIs('after disable'));
    await phone.waitFor(bodyIs('sync marker'));
    await roundTrip(tablet, world.domain);
    expect(phone.received.some(carbonWithBody('received', 'after disable'))).toBe(false);
    expect(tablet.received.some((s) => carbonOf(s, 'received') !== undefined)).toBe(false);
  });

  test('the server announces carbons', async () => {
    const alice = await world.online('alice', 'desk');
    const info = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    const features = info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
    expect(features).toContain(CARBONS);
  });
});
