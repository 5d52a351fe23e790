"""slixmpp against the archive and in-band registration (XEP-0313, XEP-0077).

  mam <port> <domain>: bob sends 12 messages to alice while her desk is online; her phone logs
      in afterwards and pages through the archive 5 at a time, then filters by bob's JID.
  account <port> <domain>: alice changes her password in-band and logs in with the new one
      (the old one is refused); bob removes his account and can no longer log in.
Prints one JSON line with what it saw."""
import asyncio
import json
import ssl
import sys

import slixmpp

from slixmpp_support import wait_until
from slixmpp.exceptions import IqError


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, port):
        super().__init__(jid, password)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.port = port
        for plugin in ('xep_0030', 'xep_0059', 'xep_0077', 'xep_0313', 'xep_0359'):
            self.register_plugin(plugin)
        self.messages = []
        self.outcome = asyncio.get_event_loop().create_future()
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('failed_auth', lambda _e: self.outcome.done() or self.outcome.set_result('failed_auth'))
        self.add_event_handler('disconnected', lambda _e: self.outcome.done() or self.outcome.set_result('disconnected'))

    async def on_start(self, _event):
        self.send_presence()
        await self.get_roster()
        if not self.outcome.done():
            self.outcome.set_result('online')

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['body']:
            self.messages.append({'body': msg['body'], 'stanza_id': msg['stanza_id']['id'] if msg.xml.find('{urn:xmpp:sid:0}stanza-id') is not None else None})

    async def online(self):
        self.connect(('127.0.0.1', self.port))
        return await asyncio.wait_for(self.outcome, 20)

    async def stop(self):
        self.disconnect()
        await asyncio.sleep(0.2)


async def mam(port, domain):
    desk = Peer(f'alice@{domain}/desk', 'alice-pw', port)
    bob = Peer(f'bob@{domain}/slix', 'bob-pw', port)
    assert await desk.online() == 'online'
    assert await bob.online() == 'online'
    for n in range(1, 13):
        bob.send_message(mto=f'alice@{domain}', mbody=f'message {n}', mtype='chat')
    await wait_until(lambda: len(desk.messages) == 12, 10)
    phone = Peer(f'alice@{domain}/phone', 'alice-pw', port)
    assert await phone.online() == 'online'
    pages = []
    async for page in phone['xep_0313'].retrieve(iterator=True, rsm={'max': 5}):
        pages.append([r['mam_result']['forwarded']['stanza']['body'] for r in page['mam']['results']])
    ids = []
    async for result in phone['xep_0313'].iterate(with_jid=slixmpp.JID(f'bob@{domain}'), rsm={'max': 5}):
        ids.append(result['mam_result']['id'])
    print(json.dumps({'desk': desk.messages, 'pages': pages, 'filtered_ids': ids}))
    for peer in (desk, bob, phone):
        await peer.stop()


async def account(port, domain):
    alice = Peer(f'alice@{domain}/slix', 'alice-pw', port)
    assert await alice.online() == 'online'
    await alice['xep_0077'].change_password('alice-new-pw')
    # The server ends the sessions that logged in with the old password.
    ended = await asyncio.wait_for(alice.disconnected, 10)
    again = Peer(f'alice@{domain}/slix', 'alice-new-pw', port)
    with_new = await again.online()
    await again.stop()
    old = Peer(f'alice@{domain}/slix2', 'alice-pw', port)
    with_old = await old.online()
    await old.stop()

    bob = Peer(f'bob@{domain}/slix', 'bob-pw', port)
    assert await bob.online() == 'online'
    removed = True
    try:
        await bob['xep_0077'].cancel_registration()
    except IqError as err:
        removed = err.iq['error']['condition']
    await asyncio.wait_for(bob.disconnected, 10)
    gone = Peer(f'bob@{domain}/slix', 'bob-pw', port)
    after_removal = await gone.online()
    await gone.stop()
    print(json.dumps({'ended': bool(ended is not None), 'with_new': with_new, 'with_old': with_old, 'removed': removed, 'after_removal': after_removal}))


if __name__ == '__main__':
    scenario, port, domain = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    asyncio.run({'mam': mam, 'account': account}[scenario](port, domain))
