import { createHash } from 'node:crypto';
import type { Element } from 'ltx';
import { eventually } from '../../../testing/eventually';
import { startWorld, chatClientCaps, xml, type World } from '../../../testing/world';
import { mutualSubscription } from '../../../testing/presence-steps';
import { getItems, itemsOf, publishItem } from '../../../testing/pep-steps';

const DATA = 'urn:xmpp:avatar:data';
const METADATA = 'urn:xmpp:avatar:metadata';
const VCARD = 'vcard-temp';

const image = (text: string) => Buffer.from(`\x89PNG ${text}`);
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const getVCard = () => xml('iq', { type: 'get' }, xml('vCard', { xmlns: VCARD }));
const photoOf = (result: Element) => result.getChild('vCard', VCARD)?.getChild('PHOTO');

describe('avatar conversion between PEP and vCards (XEP-0398)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld(['alice', 'bob']);
  });
  afterEach(() => world.stop());

  test('a PEP avatar becomes the vCard photo, keeping the other fields; empty metadata removes it', async () => {
    const alice = await world.online('alice', 'pc');
    await alice.iq(xml('iq', { type: 'set' }, xml('vCard', { xmlns: VCARD }, xml('FN', {}, 'Alice Liddell'))));
    const bytes = image('pep avatar');
    const id = sha1(bytes);
    await alice.iq(publishItem(DATA, id, xml('data', { xmlns: DATA }, bytes.toString('base64'))));
    await alice.iq(publishItem(METADATA, id, xml('metadata', { xmlns: METADATA }, xml('info', { id, type: 'image/png', bytes: String(bytes.length) }))));
    await eventually('the vCard carries the avatar', async () => photoOf(await alice.iq(getVCard()))?.getChildText('BINVAL') === bytes.toString('base64'));
    const vcard = (await alice.iq(getVCard())).getChild('vCard', VCARD)!;
    expect(vcard.getChildText('FN')).toBe('Alice Liddell');
    expect(vcard.getChild('PHOTO')?.getChildText('TYPE')).toBe('image/png');

    await alice.iq(publishItem(METADATA, 'off', xml('metadata', { xmlns: METADATA })));
    await eventually('the vCard photo is gone', async () => photoOf(await alice.iq(getVCard())) === undefined);
    expect((await alice.iq(getVCard())).getChild('vCard', VCARD)?.getChildText('FN')).toBe('Alice Liddell');
  });

  test('a vCard photo is published as the PEP avatar, and contacts following it are told', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc', { caps: chatClientCaps(METADATA) });
    await mutualSubscription(world, alice, bob);
    const info = await bob.iq(xml('iq', { type: 'get', to: `alice@${world.domain}` }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain('urn:xmpp:pep-vcard-conversion:0');

    const bytes = image('vcard photo');
    const photo = xml('PHOTO', {}, xml('TYPE', {}, 'image/jpeg'), xml('BINVAL', {}, bytes.toString('base64').replace(/(.{20})/g, '$1\n')));
    await alice.iq(xml('iq', { type: 'set' }, xml('vCard', { xmlns: VCARD }, xml('FN', {}, 'Alice'), photo)));
    const event = await bob.waitFor((s) => s.getChild('event', 'http://jabber.org/protocol/pubsub#event')?.getChild('items')?.attrs.node === METADATA, 5000, 'the avatar metadata event');
    const published = event.getChild('event', 'http://jabber.org/protocol/pubsub#event')!.getChild('items')!.getChild('item')!;
    expect(published.attrs.id).toBe(sha1(bytes));
    expect(published.getChild('metadata', METADATA)?.getChild('info')?.attrs).toMatchObject({ id: sha1(bytes), type: 'image/jpeg', bytes: String(bytes.length) });
    const data = itemsOf(await bob.iq(getItems(`alice@${world.domain}`, DATA)));
    expect(data.map((item) => item.attrs.id)).toEqual([sha1(bytes)]);
    expect(data[0]!.getChildText('data')).toBe(bytes.toString('base64'));
  });
});
