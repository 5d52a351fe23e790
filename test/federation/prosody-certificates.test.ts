/**
 * The certificate path with Prosody: both servers hold certificates of one private authority
 * and trust it, so each direction authenticates with SASL EXTERNAL and dialback is not used.
 */
import { chat, bodyIs, eventually, xml, type TestClient } from '../../server-core/testing';
import { startFederation, OUR_DOMAIN, PROSODY_DOMAIN, type FederationWorld } from './federation-world';

jest.setTimeout(60000);

let world: FederationWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  world = await startFederation({ ourUsers: ['alice'], prosodyUsers: ['bob'], withAuthority: true });
  alice = await world.ours('alice');
  bob = await world.theirs('bob');
  for (const client of [alice, bob]) await client.send(xml('presence'));
});

afterAll(async () => {
  await world?.stop();
});

test('messages both ways over links authenticated with SASL EXTERNAL', async () => {
  await alice.send(chat(`bob@${PROSODY_DOMAIN}/r`, 'signed a'));
  await bob.waitFor(bodyIs('signed a'), 20000, 'bob: the message');
  await bob.send(chat(`alice@${OUR_DOMAIN}/r`, 'signed b'));
  await alice.waitFor(bodyIs('signed b'), 20000, 'alice: the message');
  await eventually('two links', async () => (await world.links()).length === 2);
  expect((await world.links()).map((l) => `${l.direction} ${l.authMethod}`).sort()).toEqual(['incoming sasl-external', 'outgoing sasl-external']);
});
