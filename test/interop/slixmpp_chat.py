"""Two slixmpp clients chat through the server: SCRAM-SHA-256 over STARTTLS, roster,
presence between contacts, a message each way. Prints one JSON line with what each saw."""
import asyncio
import json
import sys

from slixmpp_support import TestPeer, wait_until



class Peer(TestPeer):
    def __init__(self, jid, password, port):
        super().__init__(jid, password, port)
        self.seen = {'presence_from': [], 'messages': [], 'roster': [], 'mechanism': None}
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('presence_available', self.on_presence)
        self.add_event_handler('auth_success', self.on_auth)

    def on_auth(self, _event):
        self.seen['mechanism'] = self['feature_mechanisms'].mech.name

    async def on_start(self, _event):
        roster = await self.get_roster()
        self.seen['roster'] = sorted(str(jid) for jid in roster['roster']['items'].keys()) if roster else []
        self.send_presence(pstatus='interop')
        self.ready.set_result(True)

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal'):
            self.seen['messages'].append({'from': str(msg['from'].bare), 'body': msg['body']})

    def on_presence(self, pres):
        self.seen['presence_from'].append(str(pres['from'].bare))


async def main(port, domain):
    alice = Peer(f'alice@{domain}/slix', 'alice-pw', port)
    bob = Peer(f'bob@{domain}/slix', 'bob-pw', port)
    for peer in (alice, bob):
        peer.connect(('127.0.0.1', port))
    await asyncio.wait_for(asyncio.gather(alice.ready, bob.ready), 20)
    await wait_until(lambda: f'bob@{domain}' in alice.seen['presence_from'] and f'alice@{domain}' in bob.seen['presence_from'], 10)
    alice.send_message(mto=f'bob@{domain}', mbody='hello from alice', mtype='chat')
    await wait_until(lambda: bob.seen['messages'], 10)
    bob.send_message(mto=f'alice@{domain}/slix', mbody='hello from bob', mtype='chat')
    await wait_until(lambda: alice.seen['messages'], 10)
    print(json.dumps({'alice': alice.seen, 'bob': bob.seen}))
    for peer in (alice, bob):
        peer.disconnect()
    await asyncio.sleep(0.3)


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
