"""Multi-user chat across the nodes of a cluster, driven by slixmpp (xep_0045, xep_0004 forms,
xep_0313 with xep_0059 paging, xep_0199 pings to one's own occupant JID for XEP-0410).

    slixmpp_muc_cluster.py '{"domain": "localhost", "ports": {"senior": P, "a": P, "b": P}}'

Alice (the room's owner) and Dave are on node a, Bob and Frank on node b, Carol and Erin on the
senior; Grace and Heidi (on a) join late to read the occupant list. Phase 1 goes through the
room's life with every node up; phase 2 asks the test to SIGKILL node b while four occupants
talk; phase 3 asks it to SIGKILL the senior (which holds the rooms) while three talk.

Speaks JSON lines: on stdout `{"event": "kill", "node": ...}` when a node is to die (the test
answers `{"cmd": "killed", "node": ...}` on stdin once it is dead and, for the senior, once
another node took over), and at the end `{"event": "done", "seen": {...}}` with what each step
saw; the test makes the assertions. `{"cmd": "quit"}` ends the script at once.
"""
import asyncio
import itertools
import json
import os
import sys

from slixmpp.exceptions import IqError, PresenceError
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import StanzaPath

from slixmpp_support import TestPeer, wait_for

MUC_USER = '{http://jabber.org/protocol/muc#user}'
DELAY = '{urn:xmpp:delay}delay'
# How many of its messages a talking occupant has out without their echo from the room.
WINDOW = 4
# Messages of the first talker that came back before the test is asked to kill a node.
BEFORE_KILL = 8
# Messages each surviving talker sends once the test reported a node dead.
AFTER_KILL = 10


def emit(event, **fields):
    sys.stdout.write(json.dumps({'event': event, **fields}) + '\n')
    sys.stdout.flush()


def step(name):
    print(f'step: {name}', file=sys.stderr, flush=True)


class Peer(TestPeer):
    def __init__(self, user, domain, port):
        super().__init__(f'{user}@{domain}/slix', f'{user}-secret', port)
        for plugin in ('xep_0030', 'xep_0004', 'xep_0045', 'xep_0059', 'xep_0199', 'xep_0203', 'xep_0313'):
            self.register_plugin(plugin)
        self.user = user
        self.groupchat = []
        self.echoes = {}
        self.subjects = []
        self.presences = []
        self.private = []
        self.errors = []
        self.waiters = []
        self.add_event_handler('groupchat_message', self.on_groupchat)
        self.add_event_handler('groupchat_subject', lambda m: self.subjects.append({'from': str(m['from']), 'subject': m['subject']}))
        # Every MUC presence, also those xep_0045 drops (its own unavailable after leave_muc).
        self.register_handler(Callback('every MUC presence', StanzaPath('presence/muc'), self.on_presence))
        self.add_event_handler('groupchat_message_error', lambda m: self.errors.append({'id': m['id'], 'condition': m['error']['condition']}))
        self.add_event_handler('message', self.on_message)
        self.config_changes = []
        self.add_event_handler('groupchat_config_status', lambda m: self.config_changes.append({'from': str(m['from']), 'codes': sorted(int(c) for c in m['muc']['status_codes'])}))

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set_result(True)

    def on_groupchat(self, msg):
        # History replayed on joining carries a delay; only live messages count.
        delayed = msg.xml.find(DELAY) is not None
        if not delayed:
            self.groupchat.append({'from': str(msg['from']), 'id': msg['id'], 'body': msg['body']})
            self.echoes.setdefault(str(msg['from']), set()).add(msg['id'])
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(True)

    def on_message(self, msg):
        if msg['type'] == 'chat' and msg['body']:
            self.private.append({'from': str(msg['from']), 'body': msg['body'], 'muc_user': msg.xml.find(f'{MUC_USER}x') is not None})

    def on_presence(self, pr):
        x = pr.xml.find(f'{MUC_USER}x')
        item = x.find(f'{MUC_USER}item') if x is not None else None
        actor = item.find(f'{MUC_USER}actor') if item is not None else None
        reason = item.find(f'{MUC_USER}reason') if item is not None else None
        self.presences.append({
            'from': str(pr['from']),
            'type': pr['type'] if pr['type'] == 'unavailable' else 'available',
            'codes': sorted(int(s.get('code')) for s in x.findall(f'{MUC_USER}status')) if x is not None else [],
            'role': item.get('role') if item is not None else None,
            'affiliation': item.get('affiliation') if item is not None else None,
            'actor': actor.get('nick') if actor is not None else None,
            'reason': reason.text if reason is not None else None,
        })

    async def next_message(self, stop=None):
        """Returns once another groupchat message arrived, or `stop` settled."""
        waiter = asyncio.get_event_loop().create_future()
        self.waiters.append(waiter)
        done, _pending = await asyncio.wait([waiter] + ([stop] if stop else []), timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if not done:
            raise TimeoutError(f'{self.user} got no groupchat message within 30 s')

    def say(self, room, ident, body=None):
        msg = self.make_message(mto=room, mbody=body or ident, mtype='groupchat')
        msg['id'] = ident
        msg.send()

    def of(self, occupant, start=0):
        """The presences `occupant` (an occupant JID) sent this client, from the `start`-th on."""
        return [p for p in self.presences[start:] if p['from'] == occupant]

    def left(self, occupant, start=0):
        return [p for p in self.of(occupant, start) if p['type'] == 'unavailable']

    def ids_from(self, occupant, prefix, start=0):
        return [m['id'] for m in self.groupchat[start:] if m['from'] == occupant and m['id'].startswith(prefix)]


async def talk(peer, room, nick, ids, stop=None):
    """Sends `ids` to the room (the id is the body) with at most WINDOW unanswered; with `stop`,
    returns the ids sent so far when it settles. Without, returns once every one came back."""
    me = f'{room}/{nick}'
    sent = []
    answered = lambda: sum(1 for i in sent if i in peer.echoes.get(me, ()))
    for ident in ids:
        while len(sent) - answered() >= WINDOW and not (stop and stop.done()):
            await peer.next_message(stop)
        if stop and stop.done():
            return sent
        peer.say(room, ident)
        sent.append(ident)
    while answered() < len(sent):
        await peer.next_message()
    return sent


async def talk_through(peer, room, nick, prefix, killed, survives):
    """Talks until the test reported the node dead, then (when this peer survives) AFTER_KILL more."""
    before = await talk(peer, room, nick, (f'{prefix}-{n}' for n in itertools.count()), killed)
    after = await talk(peer, room, nick, [f'{prefix}-after-{n}' for n in range(AFTER_KILL)]) if survives else []
    return before + after


def codes_of(presence):
    x = presence.xml.find(f'{MUC_USER}x')
    return sorted(int(s.get('code')) for s in x.findall(f'{MUC_USER}status'))


def item_of(presence):
    item = presence.xml.find(f'{MUC_USER}x/{MUC_USER}item')
    return {'role': item.get('role'), 'affiliation': item.get('affiliation')}


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


async def join(peer, room, nick):
    """Joins; returns the self-presence's codes and item, and the occupants slixmpp learnt (itself included)."""
    own, _subject, occupants, _history = await peer['xep_0045'].join_muc_wait(room, nick, timeout=10)
    return {'codes': codes_of(own), **item_of(own), 'occupants': sorted(str(p['from'].resource) for p in occupants)}


def config_form(peer, values):
    form = peer['xep_0004'].make_form(ftype='submit')
    form.add_field(var='FORM_TYPE', ftype='hidden', value='http://jabber.org/protocol/muc#roomconfig')
    for var, value in values.items():
        form.add_field(var=f'muc#roomconfig_{var}', value=value)
    return form


class Killer:
    """Asks the test to kill a node; `killed(node)` settles when the test answered it did."""

    def __init__(self):
        self.acks = {}
        self.listening = asyncio.ensure_future(self.listen())

    def killed(self, node):
        return self.acks.setdefault(node, asyncio.get_event_loop().create_future())

    def request(self, node):
        self.killed(node)
        emit('kill', node=node)

    async def listen(self):
        loop = asyncio.get_event_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                return
            cmd = json.loads(line)
            if cmd['cmd'] == 'killed':
                self.killed(cmd['node']).set_result(True)
            elif cmd['cmd'] == 'quit':
                os._exit(0)


async def phase_one(peers, room, staff, domain, seen):
    alice, bob, carol, dave, erin, frank = (peers[u] for u in ('alice', 'bob', 'carol', 'dave', 'erin', 'frank'))
    muc = lambda peer: peer['xep_0045']

    step('create and configure (alice on a)')
    seen['created'] = await join(alice, room, 'Alice')
    form = await muc(alice).get_room_config(room)
    seen['config_fields'] = sorted(var for var in form.get_values() if var.startswith('muc#roomconfig_'))
    await muc(alice).set_room_config(room, config_form(alice, {
        'roomname': 'Operations', 'roomdesc': 'The night shift', 'persistentroom': '1', 'moderatedroom': '1', 'publicroom': '1', 'maxusers': '20',
    }))
    values = (await muc(alice).get_room_config(room)).get_values()
    read_back = ('roomname', 'roomdesc', 'persistentroom', 'moderatedroom', 'membersonly', 'publicroom', 'maxusers', 'whois')
    seen['config_read_back'] = {var: values[f'muc#roomconfig_{var}'] for var in read_back}
    info = await bob['xep_0030'].get_info(jid=room)
    seen['room_info_at_b'] = {
        'name': [i[3] for i in info['disco_info']['identities']],
        'features': sorted(f for f in info['disco_info']['features'] if f.startswith('muc_') or f.startswith('urn:xmpp:mam')),
    }

    step('members-only room')
    await join(alice, staff, 'Alice')
    await muc(alice).set_room_config(staff, config_form(alice, {'membersonly': '1'}))
    await muc(alice).set_affiliation(staff, 'member', jid=f'bob@{domain}')
    seen['staff_stranger'] = await presence_error(muc(erin).join_muc_wait(staff, 'Erin', timeout=10))
    seen['staff_member'] = await join(bob, staff, 'Bob')
    muc(bob).leave_muc(staff, 'Bob')
    muc(alice).leave_muc(staff, 'Alice')

    step('join (everyone is a visitor of the moderated room)')
    seen['joined'] = {}
    for peer, nick in ((bob, 'Bob'), (carol, 'Carol'), (dave, 'Dave'), (erin, 'Erin'), (frank, 'Frank')):
        seen['joined'][nick] = await join(peer, room, nick)
    everyone = (alice, bob, carol, dave, erin, frank)
    nicks = ('Bob', 'Carol', 'Dave', 'Erin', 'Frank')

    step('voice for everyone')
    for nick in nicks:
        await muc(alice).set_role(room, nick, 'participant')
    voiced = lambda peer, nick: any(p['role'] == 'participant' for p in peer.of(f'{room}/{nick}'))
    await wait_for(lambda: all(voiced(peer, nick) for peer in everyone for nick in nicks), 'every occupant sees the voice grants')

    step('talk')
    for peer in everyone:
        peer.say(room, f'hello-{peer.user}', f'hello from {peer.user}')
    hellos = lambda peer: [m for m in peer.groupchat if m['id'].startswith('hello-')]
    await wait_for(lambda: all(len(hellos(peer)) >= 6 for peer in everyone), 'every hello at every occupant')

    step('subject')
    muc(alice).set_subject(room, 'Night shift')
    night = lambda peer: [s for s in peer.subjects if s['subject'] == 'Night shift']
    await wait_for(lambda: all(night(peer) for peer in everyone), 'the subject at every occupant')

    step('configuration changed while occupied')
    await muc(alice).set_room_config(room, config_form(alice, {'roomdesc': 'The night shift on three nodes'}))
    await wait_for(lambda: all(peer.config_changes for peer in everyone), 'the configuration change at every occupant')
    info = await carol['xep_0030'].get_info(jid=room)
    roominfo = info.xml.find('{http://jabber.org/protocol/disco#info}query/{jabber:x:data}x')
    seen['roominfo_at_senior'] = {f.get('var'): f.findtext('{jabber:x:data}value') for f in roominfo.findall('{jabber:x:data}field')}

    step('private messages between b and the senior')
    bob.send_message(mto=f'{room}/Carol', mbody='psst carol', mtype='chat')
    await wait_for(lambda: carol.private, 'the private message at carol')
    carol.send_message(mto=f'{room}/Bob', mbody='hi bob', mtype='chat')
    await wait_for(lambda: bob.private, 'the answer at bob')

    step('voice revoked')
    await muc(alice).set_role(room, 'Erin', 'visitor', reason='quiet please')
    # Erin entered as a visitor too: the revocation is the visitor presence with an actor.
    muted = lambda peer: any(p['role'] == 'visitor' and p['actor'] for p in peer.of(f'{room}/Erin'))
    await wait_for(lambda: all(muted(peer) for peer in everyone), 'every occupant sees erin lose her voice')
    erin.say(room, 'erin-muted')
    await wait_for(lambda: erin.errors, 'the error for erin')
    # The room refused erin's message before alice's marker: once the marker is everywhere, so would her message be.
    alice.say(room, 'after-mute')
    await wait_for(lambda: all('after-mute' in peer.echoes.get(f'{room}/Alice', ()) for peer in everyone), 'the marker after the muted message')

    step('self-ping')
    seen['self_ping_joined'] = await iq_error(dave['xep_0199'].send_ping(f'{room}/Dave', timeout=5))

    step('kick frank (on b)')
    await muc(alice).set_role(room, 'Frank', 'none', reason='flooding')
    others = (alice, bob, carol, dave, erin)
    await wait_for(lambda: frank.left(f'{room}/Frank') and all(peer.left(f'{room}/Frank') for peer in others), 'frank out everywhere')
    seen['self_ping_kicked'] = await iq_error(frank['xep_0199'].send_ping(f'{room}/Frank', timeout=5))

    step('ban erin (on the senior)')
    await muc(alice).set_affiliation(room, 'outcast', jid=f'erin@{domain}', reason='spam')
    remaining = (alice, bob, carol, dave)
    await wait_for(lambda: erin.left(f'{room}/Erin') and all(peer.left(f'{room}/Erin') for peer in remaining), 'erin out everywhere')
    seen['banned_rejoin'] = await presence_error(muc(erin).join_muc_wait(room, 'Erin', timeout=10))
    seen['outcasts'] = sorted(str(j) for j in await muc(alice).get_affiliation_list(room, 'outcast'))

    step('archive from b, two a page')
    pages = []
    async for page in bob['xep_0313'].retrieve(jid=room, iterator=True, rsm={'max': 2}):
        pages.append([r['mam_result']['forwarded']['stanza']['id'] for r in page['mam']['results']])
    seen['archive_pages'] = pages

    # Everything of phase one has happened: its counts are final.
    seen['phase_one'] = {
        peer.user: {
            'hellos': sorted(m['from'] + ' ' + m['body'] for m in hellos(peer)),
            'subjects': night(peer),
            'config_changes': [c for c in peer.config_changes if c['from'] == room],
            'private': peer.private,
            'muted_seen': [m['id'] for m in peer.groupchat if m['id'] == 'erin-muted'],
            'voice_revoked': [{k: p[k] for k in ('role', 'actor', 'reason')} for p in peer.of(f'{room}/Erin') if p['role'] == 'visitor' and p['actor'] is not None],
            'frank_left': [{k: p[k] for k in ('codes', 'actor', 'reason')} for p in peer.left(f'{room}/Frank')],
            'erin_left': [{k: p[k] for k in ('codes', 'actor', 'reason')} for p in peer.left(f'{room}/Erin')],
        }
        for peer in everyone
    }
    seen['erin_errors'] = erin.errors

    step('frank comes back (a kick is no ban)')
    seen['rejoined_after_kick'] = await join(frank, room, 'Frank')


async def busy_kill(peers, room, killer, node, talkers, survivors, lost, phase, seen):
    """The `talkers` (user: nick) talk while the test kills `node`, whose occupants `lost` (nicks)
    leave; the survivors then end with a marker each, and report what they got from the moment
    the talking began."""
    start = {u: (len(p.groupchat), len(p.presences)) for u, p in peers.items()}
    killed = killer.killed(node)
    tasks = {u: asyncio.ensure_future(talk_through(peers[u], room, nick, f'{phase}-{u}', killed, u in survivors)) for u, nick in talkers.items()}
    first = next(iter(talkers))
    await wait_for(lambda: len(peers[first].ids_from(f'{room}/{talkers[first]}', f'{phase}-', start[first][0])) >= BEFORE_KILL, f'{first} talking')
    killer.request(node)
    sent = {u: await task for u, task in tasks.items()}
    for u in survivors:
        if u in talkers:
            peers[u].say(room, f'{phase}-end-{u}')
            sent[u].append(f'{phase}-end-{u}')
    markers = [(f'{room}/{talkers[u]}', f'{phase}-end-{u}') for u in survivors if u in talkers]
    await wait_for(lambda: all(ident in peers[u].echoes.get(who, ()) for u in survivors for who, ident in markers), 'the end markers at every survivor', 30)
    await wait_for(lambda: all(peers[u].left(f'{room}/{nick}', start[u][1]) for u in survivors for nick in lost), 'the dead node\'s occupants leaving', 30)
    # A marker after they left: what the room sent before it (a second unavailable too) has arrived.
    settler = next(u for u in survivors if u in talkers)
    settled = f'{phase}-end-{settler}-settled'
    peers[settler].say(room, settled)
    sent[settler].append(settled)
    await wait_for(lambda: all(settled in peers[u].echoes.get(f'{room}/{talkers[settler]}', ()) for u in survivors), 'the marker after the occupants left')
    seen[phase] = {
        'sent': sent,
        'received': {
            u: {talkers[t]: peers[u].ids_from(f'{room}/{talkers[t]}', f'{phase}-', start[u][0]) for t in talkers}
            for u in survivors
        },
        'left': {u: sorted(p['from'].split('/')[-1] for p in peers[u].presences[start[u][1]:] if p['type'] == 'unavailable') for u in survivors},
        'left_items': {u: [{k: p[k] for k in ('from', 'role', 'codes')} for p in peers[u].presences[start[u][1]:] if p['type'] == 'unavailable'] for u in survivors},
        'roster': {u: sorted(peers[u]['xep_0045'].get_roster(room)) for u in survivors},
    }


async def main(settings):
    domain, ports = settings['domain'], settings['ports']
    room = f'ops@conference.{domain}'
    staff = f'staff@conference.{domain}'
    placement = {'alice': 'a', 'dave': 'a', 'grace': 'a', 'heidi': 'a', 'bob': 'b', 'frank': 'b', 'carol': 'senior', 'erin': 'senior'}
    peers = {user: Peer(user, domain, ports[node]) for user, node in placement.items()}
    for peer in peers.values():
        peer.connect(('127.0.0.1', peer.port))
    await asyncio.gather(*(peer.ready for peer in peers.values()))
    killer = Killer()
    seen = {}

    await phase_one(peers, room, staff, domain, seen)

    step('phase two: node b dies while alice, carol, dave and bob talk')
    await busy_kill(peers, room, killer, 'b', {'alice': 'Alice', 'carol': 'Carol', 'dave': 'Dave', 'bob': 'Bob'}, ['alice', 'carol', 'dave'], ['Bob', 'Frank'], 'p2', seen)
    seen['p2']['fresh_join'] = await join(peers['grace'], room, 'Grace')

    step('phase three: the senior dies while alice, dave and carol talk')
    await busy_kill(peers, room, killer, 'senior', {'alice': 'Alice', 'dave': 'Dave', 'carol': 'Carol'}, ['alice', 'dave', 'grace'], ['Carol'], 'p3', seen)
    seen['p3']['fresh_join'] = await join(peers['heidi'], room, 'Heidi')

    step('self-ping at the node that took over, and after leaving')
    alice, dave, heidi = peers['alice'], peers['dave'], peers['heidi']
    seen['self_ping_after_takeover'] = await iq_error(dave['xep_0199'].send_ping(f'{room}/Dave', timeout=5))
    heidi['xep_0045'].leave_muc(room, 'Heidi')
    await wait_for(lambda: heidi.left(f'{room}/Heidi') and alice.left(f'{room}/Heidi'), 'heidi out')
    seen['heidi_left'] = {'self': [p['codes'] for p in heidi.left(f'{room}/Heidi')], 'alice': [p['codes'] for p in alice.left(f'{room}/Heidi')]}
    seen['self_ping_left'] = await iq_error(heidi['xep_0199'].send_ping(f'{room}/Heidi', timeout=5))

    step('the archive after both deaths, 25 a page')
    pages = []
    async for page in peers['alice']['xep_0313'].retrieve(jid=room, iterator=True, rsm={'max': 25}):
        pages.append([{'nick': r['mam_result']['forwarded']['stanza']['from'].resource, 'id': r['mam_result']['forwarded']['stanza']['id'], 'archive_id': r['mam_result']['id']} for r in page['mam']['results']])
    seen['archive'] = pages

    emit('done', seen=seen)
    # The clients of the dead nodes have nothing to close cleanly; the test stops the cluster.
    os._exit(0)


if __name__ == '__main__':
    asyncio.run(main(json.loads(sys.argv[1])))
