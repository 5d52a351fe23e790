"""Multi-user chat (XEP-0045) driven by slixmpp's xep_0045 plugin (Debian's python3-slixmpp):
alice creates and configures a room, bob and carol join, they talk, alice changes the subject,
a nickname conflict, XEP-0410 self-pings, a kick, a ban, the outcast list and the room's end.
Prints one JSON line (last) with what each step saw."""
import asyncio
import json
import sys

from slixmpp.exceptions import IqError, PresenceError

from slixmpp_support import TestPeer, wait_until

MUC_USER = '{http://jabber.org/protocol/muc#user}'


class Peer(TestPeer):
    def __init__(self, jid, password, port):
        super().__init__(jid, password, port)
        for plugin in ('xep_0030', 'xep_0004', 'xep_0045', 'xep_0199', 'xep_0203'):
            self.register_plugin(plugin)
        self.messages = []
        self.subjects = []
        self.presences = []
        self.add_event_handler('groupchat_message', lambda m: self.messages.append({'from': str(m['from']), 'body': m['body']}))
        self.add_event_handler('groupchat_subject', lambda m: self.subjects.append({'from': str(m['from']), 'subject': m['subject']}))
        self.add_event_handler('groupchat_presence', self.on_presence)

    def on_presence(self, pr):
        x = pr.xml.find(f'{MUC_USER}x')
        codes = sorted(int(s.get('code')) for s in x.findall(f'{MUC_USER}status')) if x is not None else []
        self.presences.append({'from': str(pr['from']), 'type': pr['type'], 'codes': codes})

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set_result(True)

    def left(self, occupant):
        return [p for p in self.presences if p['from'] == occupant and p['type'] == 'unavailable']


async def presence_error(coroutine):
    try:
        await coroutine
    except PresenceError as err:
        return err.condition
    return None


async def iq_error(coroutine):
    try:
        await coroutine
    except IqError as err:
        return err.iq['error']['condition']
    return None


async def main(port, domain):
    room = f'lobby@conference.{domain}'
    seen = {}

    def step(name):
        print(f'step: {name}', file=sys.stderr, flush=True)

    alice, bob, carol = (Peer(f'{user}@{domain}/slix', f'{user}-pw', port) for user in ('alice', 'bob', 'carol'))
    for peer in (alice, bob, carol):
        peer.connect(('127.0.0.1', port))
    await asyncio.gather(*(peer.ready for peer in (alice, bob, carol)))
    muc = lambda peer: peer['xep_0045']

    step('create and configure')
    own, _subject, _occupants, _history = await muc(alice).join_muc_wait(room, 'Alice', timeout=10)
    x = own.xml.find(f'{MUC_USER}x')
    seen['created_codes'] = sorted(int(s.get('code')) for s in x.findall(f'{MUC_USER}status'))
    form = await muc(alice).get_room_config(room)
    seen['config_fields'] = sorted(f['var'] for f in form['fields'] if f['var'].startswith('muc#roomconfig_'))
    submit = alice['xep_0004'].make_form(ftype='submit')
    submit.add_field(var='FORM_TYPE', ftype='hidden', value='http://jabber.org/protocol/muc#roomconfig')
    submit.add_field(var='muc#roomconfig_roomname', value='The lobby')
    submit.add_field(var='muc#roomconfig_persistentroom', value='1')
    await muc(alice).set_room_config(room, submit)
    info = await alice['xep_0030'].get_info(jid=room)
    seen['room_features'] = sorted(f for f in info['disco_info']['features'] if f.startswith('muc_'))

    step('join, conflict, talk, subject')
    await muc(bob).join_muc_wait(room, 'Bob', timeout=10)
    seen['conflict'] = await presence_error(muc(carol).join_muc_wait(room, 'Bob', timeout=10))
    _own, _subject, occupants, _history = await muc(carol).join_muc_wait(room, 'Carol', timeout=10)
    seen['carol_saw_occupants'] = sorted(str(p['from']) for p in occupants)
    alice.send_message(mto=room, mbody='hello room', mtype='groupchat')
    await wait_until(lambda: any(m['body'] == 'hello room' for m in bob.messages) and any(m['body'] == 'hello room' for m in carol.messages))
    seen['bob_messages'] = [m for m in bob.messages if m['body'] == 'hello room']
    muc(alice).set_subject(room, 'Welcome')
    await wait_until(lambda: any(s['subject'] == 'Welcome' for s in carol.subjects))
    seen['carol_subject'] = [s for s in carol.subjects if s['subject'] == 'Welcome']

    step('self-ping')
    seen['self_ping_joined'] = await iq_error(bob['xep_0199'].send_ping(f'{room}/Bob', timeout=5))
    seen['self_ping_elsewhere'] = await iq_error(bob['xep_0199'].send_ping(f'other@conference.{domain}/Bob', timeout=5))

    step('kick and ban')
    await muc(alice).set_role(room, 'Carol', 'none', reason='time out')
    await wait_until(lambda: carol.left(f'{room}/Carol') and bob.left(f'{room}/Carol'))
    seen['kicked_self'] = [p['codes'] for p in carol.left(f'{room}/Carol')]
    seen['kicked_seen_by_bob'] = [p['codes'] for p in bob.left(f'{room}/Carol')]
    await muc(alice).set_affiliation(room, 'outcast', jid=f'bob@{domain}', reason='spam')
    await wait_until(lambda: bob.left(f'{room}/Bob'))
    seen['banned_self'] = [p['codes'] for p in bob.left(f'{room}/Bob')]
    seen['banned_rejoin'] = await presence_error(muc(bob).join_muc_wait(room, 'Bob', timeout=10))
    seen['outcasts'] = sorted(str(j) for j in await muc(alice).get_affiliation_list(room, 'outcast'))

    step('destroy')
    await muc(alice).destroy(room, reason='done')
    await wait_until(lambda: alice.left(f'{room}/Alice'))
    seen['destroyed'] = len(alice.left(f'{room}/Alice'))
    items = await alice['xep_0030'].get_items(jid=f'conference.{domain}')
    seen['rooms_after'] = [str(i[0]) for i in items['disco_items']['items']]

    for peer in (alice, bob, carol):
        peer.disconnect()
    print(json.dumps(seen), flush=True)


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
