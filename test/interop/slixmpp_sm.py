"""One slixmpp client with XEP-0198 (slixmpp's own xep_0198 plugin), driven line by line:
JSON commands on stdin, JSON events on stdout. The test decides when the client connects,
stops reading, drops its TCP connection and reconnects (resuming), and sees every message."""
import asyncio
import json
import ssl
import sys

import slixmpp


def emit(event, **fields):
    sys.stdout.write(json.dumps({'event': event, **fields}) + '\n')
    sys.stdout.flush()


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, port):
        super().__init__(jid, password)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.port = port
        self.register_plugin('xep_0198')
        self.register_plugin('xep_0280')
        self.add_event_handler('carbon_sent', lambda msg: emit('carbon_sent', body=msg['carbon_sent']['body']))
        self.add_event_handler('session_start', lambda _e: emit('session_start'))
        self.add_event_handler('sm_enabled', lambda e: emit('sm_enabled', id=e['id'], resume=e['resume'], max=e['max']))
        self.add_event_handler('session_resumed', lambda _e: emit('resumed', handled=self['xep_0198'].handled))
        self.add_event_handler('sm_failed', self.on_failed)
        self.add_event_handler('disconnected', lambda _e: emit('disconnected'))
        self.add_event_handler('message', self.on_message)

    def on_failed(self, stanza):
        condition = next((child.tag.split('}')[-1] for child in stanza.xml if not child.tag.endswith('text')), None)
        emit('sm_failed', condition=condition)

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['body']:
            delayed = msg.xml.find('{urn:xmpp:delay}delay') is not None
            emit('message', body=msg['body'], delayed=delayed)


async def commands(client):
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return
        cmd = json.loads(line)
        name = cmd['cmd']
        sm = client['xep_0198']
        if name == 'connect':
            client.connect(('127.0.0.1', cmd.get('port', client.port)))
        elif name == 'presence':
            client.send_presence()
            emit('presence_sent')
        elif name == 'pause':
            # Stop reading: what the server writes now stays unread in the socket buffers.
            client.transport.pause_reading()
            emit('paused')
        elif name == 'drop':
            # The TCP connection dies without a stream end: unread data is thrown away.
            client.transport.abort()
        elif name == 'set_sm_id':
            sm.sm_id = cmd['id']
            client.end_session_on_disconnect = False
            emit('sm_id_set')
        elif name == 'carbons':
            await client['xep_0280'].enable()
            emit('carbons_enabled')
        elif name == 'ack':
            sm.send_ack()
            emit('acked', handled=sm.handled)
        elif name == 'state':
            emit('state', handled=sm.handled, seq=sm.seq, last_ack=sm.last_ack, unacked=len(sm.unacked_queue))
        elif name == 'quit':
            client.disconnect()
            emit('bye')
            return


async def main(port, jid, password):
    client = Client(jid, password, port)
    emit('ready')
    await commands(client)


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
