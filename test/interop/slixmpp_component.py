"""An external component (XEP-0114) written with slixmpp's ComponentXMPP. It echoes every chat
message back to its sender from the address it was sent to, sends what the test writes on stdin
(one JSON object a line: {"to", "body", "from"?}), and prints one JSON line per event on stdout:
connected, message, stream_error, disconnected."""
import asyncio
import json
import sys

import slixmpp


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}), flush=True)


class EchoComponent(slixmpp.ComponentXMPP):
    def __init__(self, domain, secret, port):
        super().__init__(domain, secret, '127.0.0.1', port)
        self.done = asyncio.get_event_loop().create_future()
        self.add_event_handler('session_start', lambda _e: emit('connected'))
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('stream_error', self.on_stream_error)
        self.add_event_handler('disconnected', self.on_disconnected)

    def on_message(self, msg):
        emit('message', type=msg['type'], to=str(msg['to']), body=msg['body'], **{'from': str(msg['from'])})
        if msg['type'] == 'chat' and msg['body'] and not msg['body'].startswith('echo: '):
            self.send_message(mto=msg['from'], mfrom=msg['to'], mbody='echo: ' + msg['body'], mtype='chat')

    def on_stream_error(self, error):
        emit('stream_error', condition=error['condition'])

    def on_disconnected(self, _reason):
        emit('disconnected')
        if not self.done.done():
            self.done.set_result(True)


async def read_commands(component):
    loop = asyncio.get_event_loop()
    while not component.done.done():
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            component.disconnect()
            return
        command = json.loads(line)
        component.send_message(mto=command['to'], mfrom=command.get('from', component.boundjid.bare), mbody=command['body'], mtype='chat')


async def main(port, domain, secret):
    component = EchoComponent(domain, secret, port)
    component.connect()
    reader = asyncio.ensure_future(read_commands(component))
    await component.done
    reader.cancel()


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
