"""Personal eventing, private storage and bookmarks driven by slixmpp (Debian's python3-slixmpp),
the way modern clients use them: OMEMO device lists and bundles published with publish-options
(access_model open), a precondition mismatch reconfigured and published again, nodes keeping
several items, retraction with notification, XEP-0223 private nodes, XEP-0084 avatars, XEP-0402
bookmarks read and written through XEP-0048/XEP-0049, explicit subscriptions, purge and delete.
alice and bob are contacts, carol is a stranger. Prints one JSON line with what each step saw."""
import asyncio
import base64
import json
import sys
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError
from slixmpp.xmlstream import ElementBase
from slixmpp.plugins.xep_0048 import Bookmarks

from slixmpp_support import TestPeer, wait_until

PUBSUB_ERRORS = '{http://jabber.org/protocol/pubsub#errors}'
AXOLOTL_DEVICELIST = 'eu.siacs.conversations.axolotl.devicelist'
AXOLOTL_BUNDLES = 'eu.siacs.conversations.axolotl.bundles:4223'
OMEMO2_DEVICES = 'urn:xmpp:omemo:2:devices'
OMEMO2_BUNDLES = 'urn:xmpp:omemo:2:bundles'
BOOKMARKS = 'urn:xmpp:bookmarks:1'
LOG = 'urn:example:log'
TUNE = 'http://jabber.org/protocol/tune'
FOLLOWED = [AXOLOTL_DEVICELIST, OMEMO2_DEVICES, LOG, TUNE, BOOKMARKS]


class Peer(TestPeer):
    def __init__(self, jid, password, port):
        super().__init__(jid, password, port)
        for plugin in ('xep_0030', 'xep_0004', 'xep_0060', 'xep_0115', 'xep_0163', 'xep_0223', 'xep_0049', 'xep_0048', 'xep_0084'):
            self.register_plugin(plugin)
        self.events = []
        for kind in ('publish', 'retract', 'purge', 'delete'):
            self.add_event_handler(f'pubsub_{kind}', lambda msg, kind=kind: self.on_event(kind, msg))

    async def on_start(self, _event):
        await self.get_roster()
        for node in FOLLOWED:
            self['xep_0030'].add_feature(f'{node}+notify')
        await self['xep_0115'].update_caps(broadcast=False)
        self.send_presence()
        self.ready.set_result(True)

    def on_event(self, kind, msg):
        event = msg['pubsub_event']
        if kind in ('purge', 'delete'):
            self.events.append({'kind': kind, 'node': event[kind]['node'], 'from': str(msg['from'])})
            return
        items = event['items']
        # The raw XML: iterating the stanza object would reset slixmpp's own loop over the same items.
        for item in items.xml:
            self.events.append({'kind': kind, 'node': items['node'], 'id': item.get('id'), 'from': str(msg['from'])})

    def saw(self, kind, node, item_id=None):
        return any(e['kind'] == kind and e['node'] == node and (item_id is None or e.get('id') == item_id) for e in self.events)


def form(peer, form_type, **fields):
    f = peer['xep_0004'].make_form(ftype='submit')
    f.add_field(var='FORM_TYPE', ftype='hidden', value=form_type)
    for name, value in fields.items():
        f.add_field(var=f'pubsub#{name}', value=value)
    return f


def publish_options(peer, **fields):
    return form(peer, 'http://jabber.org/protocol/pubsub#publish-options', **fields)


def element(tag, attrs=None, children=(), text=None):
    e = ET.Element(tag, attrs or {})
    if text is not None:
        e.text = text
    for child in children:
        e.append(child)
    return e


def failure(err):
    error = err.iq['error']
    app = next((child.tag.replace(PUBSUB_ERRORS, '') for child in error.xml if child.tag.startswith(PUBSUB_ERRORS)), None)
    return {'condition': error['condition'], 'pubsub': app}


async def expect_failure(coroutine):
    try:
        await coroutine
    except IqError as err:
        return failure(err)
    return {'condition': None, 'pubsub': None}


async def item_ids(peer, owner, node, **kwargs):
    result = await peer['xep_0060'].get_items(owner, node, **kwargs)
    return [item['id'] for item in result['pubsub']['items']]


def axolotl_bundle():
    ns = '{eu.siacs.conversations.axolotl}'
    prekeys = element(f'{ns}prekeys', children=[element(f'{ns}preKeyPublic', {'preKeyId': str(i)}, text='BQ' + 'A' * 42) for i in range(1, 21)])
    return element(f'{ns}bundle', children=[
        element(f'{ns}signedPreKeyPublic', {'signedPreKeyId': '1'}, text='BR' + 'B' * 42),
        element(f'{ns}signedPreKeySignature', text='C' * 86),
        element(f'{ns}identityKey', text='BS' + 'D' * 42),
        prekeys,
    ])


async def main(port, domain):
    jid = lambda user: f'{user}@{domain}'

    def step(name):
        print(f'step: {name}', file=sys.stderr, flush=True)

    alice, bob, carol = (Peer(f'{user}@{domain}/slix', f'{user}-pw', port) for user in ('alice', 'bob', 'carol'))
    for peer in (alice, bob, carol):
        peer.connect(('127.0.0.1', port))
    await asyncio.wait_for(asyncio.gather(alice.ready, bob.ready, carol.ready), 20)
    step('online')
    # The server asks each client for its capabilities; one round trip each lets that settle.
    for peer in (alice, bob, carol):
        await peer['xep_0030'].get_info(jid=domain)
    out = {}

    # OMEMO (XEP-0384, Conversations' namespace): device list and bundle readable by anyone.
    step("OMEMO (XEP-0384, Conversations' namespace)")
    devicelist = element('{eu.siacs.conversations.axolotl}list', children=[element('{eu.siacs.conversations.axolotl}device', {'id': '4223'})])
    await alice['xep_0060'].publish(jid('alice'), AXOLOTL_DEVICELIST, id='current', payload=devicelist, options=publish_options(alice, access_model='open'))
    await alice['xep_0060'].publish(jid('alice'), AXOLOTL_BUNDLES, id='current', payload=axolotl_bundle(), options=publish_options(alice, access_model='open'))
    fetched = await carol['xep_0060'].get_items(jid('alice'), AXOLOTL_DEVICELIST)
    out['axolotl_devices_seen_by_stranger'] = [d.get('id') for item in fetched['pubsub']['items'] for d in item.xml.iter('{eu.siacs.conversations.axolotl}device')]
    bundle = await carol['xep_0060'].get_items(jid('alice'), AXOLOTL_BUNDLES)
    out['axolotl_prekeys_seen_by_stranger'] = len(list(bundle['pubsub']['items'].xml.iter('{eu.siacs.conversations.axolotl}preKeyPublic')))
    out['axolotl_event_at_contact'] = await wait_until(lambda: bob.saw('publish', AXOLOTL_DEVICELIST, 'current'))

    # OMEMO 2: the bundles node keeps one item per device (max_items=max).
    step('OMEMO 2')
    devices = element('{urn:xmpp:omemo:2}devices', children=[element('{urn:xmpp:omemo:2}device', {'id': '31415', 'label': 'slixmpp'})])
    await alice['xep_0060'].publish(jid('alice'), OMEMO2_DEVICES, id='current', payload=devices, options=publish_options(alice, access_model='open'))
    for device in ('31415', '27182'):
        bundle2 = element('{urn:xmpp:omemo:2}bundle', children=[element('{urn:xmpp:omemo:2}ik', text='IK' + device)])
        await alice['xep_0060'].publish(jid('alice'), OMEMO2_BUNDLES, id=device, payload=bundle2, options=publish_options(alice, access_model='open', max_items='max'))
    out['omemo2_bundles_seen_by_stranger'] = sorted(await item_ids(carol, jid('alice'), OMEMO2_BUNDLES))
    out['omemo2_bundle_by_id'] = await item_ids(carol, jid('alice'), OMEMO2_BUNDLES, item_ids=['27182'])

    # A node made with the default (presence) access model: publish-options asking open fail
    step('A node made with the default (presence) access model')
    # their precondition; the client reconfigures the node (as Conversations does) and publishes again.
    tune = element(f'{{{TUNE}}}tune', children=[element(f'{{{TUNE}}}artist', text='Nina Simone')])
    await alice['xep_0060'].publish(jid('alice'), TUNE, payload=tune)
    out['stranger_reads_presence_node'] = await expect_failure(carol['xep_0060'].get_items(jid('alice'), TUNE))
    out['open_on_presence_node'] = await expect_failure(alice['xep_0060'].publish(jid('alice'), TUNE, payload=tune, options=publish_options(alice, access_model='open')))
    config = await alice['xep_0060'].get_node_config(jid('alice'), TUNE)
    out['configured_access_model_before'] = config['pubsub_owner']['configure']['form'].get_values().get('pubsub#access_model')
    await alice['xep_0060'].set_node_config(jid('alice'), TUNE, form(alice, 'http://jabber.org/protocol/pubsub#node_config', access_model='open'))
    await alice['xep_0060'].publish(jid('alice'), TUNE, payload=tune, options=publish_options(alice, access_model='open'))
    out['stranger_reads_after_reconfigure'] = await item_ids(carol, jid('alice'), TUNE)

    # A node that keeps three items.
    step('A node that keeps three items.')
    for item_id in ('a', 'b', 'c', 'd', 'e'):
        await alice['xep_0060'].publish(jid('alice'), LOG, id=item_id, payload=element('{urn:example:log}entry', text=item_id), options=publish_options(alice, max_items='3'))
    out['log_items'] = await item_ids(bob, jid('alice'), LOG)
    out['log_newest_two'] = await item_ids(bob, jid('alice'), LOG, max_items=2)
    out['log_gone_item'] = await item_ids(bob, jid('alice'), LOG, item_ids=['a'])
    await alice['xep_0060'].retract(jid('alice'), LOG, 'd', notify=True)
    out['log_retract_event_at_contact'] = await wait_until(lambda: bob.saw('retract', LOG, 'd'))
    out['log_after_retract'] = await item_ids(bob, jid('alice'), LOG)
    out['stranger_reads_log'] = await expect_failure(carol['xep_0060'].get_items(jid('alice'), LOG))

    # XEP-0223: a private node, readable by its owner alone.
    step('XEP-0223')
    secret = element('{urn:example:secret}secret', text='for alice only')
    await alice['xep_0223'].store(ElementBase(xml=secret), node='urn:example:secret', id='current')
    stored = await alice['xep_0223'].retrieve('urn:example:secret')
    out['private_node_owner_reads'] = [item.xml.find('{urn:example:secret}secret').text for item in stored['pubsub']['items']]
    out['private_node_contact_reads'] = await expect_failure(bob['xep_0060'].get_items(jid('alice'), 'urn:example:secret'))

    # XEP-0084 avatar: data and metadata, fetched by a contact.
    step('XEP-0084 avatar')
    avatar = b'\x89PNG not really an image'
    avatar_id = alice['xep_0084'].generate_id(avatar)
    await alice['xep_0084'].publish_avatar(avatar)
    await alice['xep_0084'].publish_avatar_metadata([{'id': avatar_id, 'type': 'image/png', 'bytes': len(avatar)}])
    fetched = await bob['xep_0084'].retrieve_avatar(jid('alice'), avatar_id)
    out['avatar_matches'] = base64.b64decode(fetched['pubsub']['items'].xml.find('.//{urn:xmpp:avatar:data}data').text) == avatar

    # XEP-0402 bookmarks, read and written by a XEP-0048 client through private storage.
    step('XEP-0402 bookmarks, read and written by a XEP-0048 client th')
    for room, name in (('tea@conference.example', 'Tea'), ('dev@conference.example', 'Dev')):
        conference = element(f'{{{BOOKMARKS}}}conference', {'name': name, 'autojoin': 'true'}, [element(f'{{{BOOKMARKS}}}nick', text='alice')])
        await alice['xep_0060'].publish(jid('alice'), BOOKMARKS, id=room, payload=conference,
                                        options=publish_options(alice, persist_items='true', max_items='max', send_last_published_item='never', access_model='whitelist'))
    legacy = await alice['xep_0048'].get_bookmarks(method='xep_0049')
    out['legacy_sees'] = sorted((str(c['jid']), c['name'], c['nick'], c['autojoin']) for c in legacy['private']['bookmarks']['conferences'])
    updated = Bookmarks()
    updated.add_conference('tea@conference.example', 'alice-legacy', name='Tea', autojoin=True)
    updated.add_conference('new@conference.example', 'alice', name='New', autojoin=False)
    updated.add_url('https://example.org/', name='Example')
    await alice['xep_0048'].set_bookmarks(updated, method='xep_0049')
    out['pep_after_legacy_set'] = sorted(await item_ids(alice, jid('alice'), BOOKMARKS))
    tea = await alice['xep_0060'].get_items(jid('alice'), BOOKMARKS, item_ids=['tea@conference.example'])
    out['pep_tea_nick'] = tea['pubsub']['items'].xml.find(f'.//{{{BOOKMARKS}}}nick').text
    out['bookmark_retract_event_at_owner'] = await wait_until(lambda: alice.saw('retract', BOOKMARKS, 'dev@conference.example'))
    again = await alice['xep_0048'].get_bookmarks(method='xep_0049')
    out['legacy_urls'] = [u['url'] for u in again['private']['bookmarks']['urls']]
    out['contact_reads_bookmarks'] = await expect_failure(bob['xep_0060'].get_items(jid('alice'), BOOKMARKS))
    out['bookmark_events_at_contact'] = bob.saw('publish', BOOKMARKS)

    # XEP-0049 private storage of another namespace, and a contact trying to read it.
    step('XEP-0049 private storage of another namespace, and a contact')
    prefs = ET.Element('{urn:example:prefs}prefs')
    prefs.text = 'dark'
    iq = alice.make_iq_set()
    iq['private'].xml.append(prefs)
    await iq.send()
    iq = alice.make_iq_get()
    iq['private'].xml.append(ET.Element('{urn:example:prefs}prefs'))
    result = await iq.send()
    out['private_storage_reads'] = result['private'].xml.find('{urn:example:prefs}prefs').text
    iq = bob.make_iq_get(ito=jid('alice'))
    iq['private'].xml.append(ET.Element('{urn:example:prefs}prefs'))
    out['private_storage_of_another'] = await expect_failure(iq.send())

    # Explicit subscription of a stranger to an open node, then purge and delete.
    step('Explicit subscription of a stranger to an open node, then pu')
    subscribed = await carol['xep_0060'].subscribe(jid('alice'), TUNE)
    out['subscription'] = subscribed['pubsub']['subscription']['subscription']
    await alice['xep_0060'].publish(jid('alice'), TUNE, payload=tune, id='after-subscribe')
    out['subscriber_event'] = await wait_until(lambda: carol.saw('publish', TUNE, 'after-subscribe'))
    await carol['xep_0060'].unsubscribe(jid('alice'), TUNE)
    out['unsubscribe_again'] = await expect_failure(carol['xep_0060'].unsubscribe(jid('alice'), TUNE))
    await alice['xep_0060'].purge(jid('alice'), LOG)
    out['purge_event_at_contact'] = await wait_until(lambda: bob.saw('purge', LOG))
    out['log_after_purge'] = await item_ids(bob, jid('alice'), LOG)
    await alice['xep_0060'].delete_node(jid('alice'), LOG)
    out['delete_event_at_contact'] = await wait_until(lambda: bob.saw('delete', LOG))
    out['log_after_delete'] = await expect_failure(bob['xep_0060'].get_items(jid('alice'), LOG))

    info = await bob['xep_0030'].get_info(jid=jid('alice'))
    out['account_features'] = sorted(info['disco_info']['features'])
    print(json.dumps(out))
    for peer in (alice, bob, carol):
        peer.disconnect()
    await asyncio.sleep(0.3)


if __name__ == '__main__':
    asyncio.run(asyncio.wait_for(main(int(sys.argv[1]), sys.argv[2]), 50))
