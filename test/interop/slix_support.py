"""What the slixmpp interoperability scripts share."""
import asyncio


async def wait_until(predicate, timeout):
    """Polls predicate every 50 ms; False when it stayed false for timeout seconds."""
    deadline = asyncio.get_event_loop().time() + timeout
    while not predicate():
        if asyncio.get_event_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
