"""What the slixmpp test scripts share: a client for the test server (SCRAM-SHA-256, its
self-signed certificate accepted) whose `ready` future settles once the session started, and a
poll helper."""
import asyncio
import ssl

import slixmpp


class TestPeer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, port):
        super().__init__(jid, password, sasl_mech='SCRAM-SHA-256')
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.port = port
        self.ready = asyncio.get_event_loop().create_future()
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('failed_auth', lambda _e: self.ready.done() or self.ready.set_exception(RuntimeError('auth failed')))

    async def on_start(self, _event):
        """Subclasses start their session here and then set `ready`."""
        self.ready.set_result(True)


async def wait_until(predicate, timeout=10):
    deadline = asyncio.get_event_loop().time() + timeout
    while not predicate():
        if asyncio.get_event_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def wait_for(predicate, what, timeout=10):
    """Like wait_until, but a timeout is an error that says what did not happen."""
    if not await wait_until(predicate, timeout):
        raise TimeoutError(f'within {timeout} s: {what}')
