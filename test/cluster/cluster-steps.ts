/** Steps the multi-process cluster tests share: users logged in on chosen nodes, mutual subscriptions. */
import { presence, presenceOf, bare } from '../../server-core/testing/presence-steps';
import { capsSettled } from '../../server-core/testing/world';
import type { ClientCaps } from '../support/client-caps';
import type { ClusterNode } from '../support/cluster-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';

export { presence, presenceOf, bare };

/**
 * Logs `user` in on `node` with `resource`; `available` sends initial presence and waits for its
 * echo. With `caps`, the client advertises them and this waits until the server learnt them.
 */
export async function online(node: ClusterNode, user: string, resource: string, available = true, caps?: ClientCaps): Promise<TestClient> {
  const client = await connectClient(node, { username: user, password: `${user}-secret`, resource, caps });
  if (available) {
    await client.send(xml('presence'));
    await client.waitFor((s) => s.is('presence') && s.attrs.from === client.jid && s.attrs.type === undefined, 5000, 'its own presence');
    if (caps) await capsSettled(client, node.domain);
  }
  return client;
}

/** `a` and `b` (online, available) subscribe to each other; ends with `both` on both rosters and each seeing the other available. */
export async function mutualSubscription(a: TestClient, b: TestClient): Promise<void> {
  const [aBare, bBare] = [bare(a.jid), bare(b.jid)];
  await a.send(presence('subscribe', bBare));
  await b.waitFor(presenceOf(aBare, 'subscribe'), 5000, `subscribe from ${aBare}`);
  await b.send(presence('subscribed', aBare));
  await b.send(presence('subscribe', aBare));
  await a.waitFor(presenceOf(bBare, 'subscribe'), 5000, `subscribe from ${bBare}`);
  await a.send(presence('subscribed', bBare));
  await a.waitFor(presenceOf(b.jid), 5000, `available presence of ${b.jid}`);
  await b.waitFor(presenceOf(a.jid), 5000, `available presence of ${a.jid}`);
}

export async function stopAll(clients: TestClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.stop()));
}

let markers = 0;
/**
 * A chat message from `from` to `to`, waited for at `to`: whatever `from`'s node sent `to`
 * before (presence broadcasts of `from` included) has arrived once it is in. The marker for a
 * negative assertion ("bob saw no presence from alice").
 */
export async function passMarker(from: TestClient, to: TestClient): Promise<void> {
  const body = `marker ${++markers} from ${from.jid}`;
  await from.send(xml('message', { to: to.jid, type: 'chat' }, xml('body', {}, body)));
  await to.waitFor((s) => s.is('message') && s.getChildText('body') === body, 5000, `the marker from ${from.jid}`);
}
