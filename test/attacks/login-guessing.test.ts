/**
 * Password guessing over XMPP: limited per account (many addresses, one account) as well as per
 * address, without locking the right password out from where its owner logged in before.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { plainLogin } from './sasl-kit';

const PER_ADDRESS = 20;
const PER_ACCOUNT = 10;
const PER_PAIR = 5;

let server: TestServer;
let honest: HonestClient;

const refused = (text: string) => ({ ok: false, condition: 'temporary-auth-failure', text });
const ACCOUNT_REFUSED = refused('too many failed logins for this account; try again later');
const ADDRESS_REFUSED = refused('too many failed logins from this address; try again later');
const PAIR_REFUSED = refused('too many failed logins for this account from this address; try again later');
const WRONG = { ok: false, condition: 'not-authorized', text: '' };

beforeAll(async () => {
  // The defaults, spelt out so the test reads on its own.
  server = await startTestServer({
    config: {
      listeners: { c2s: { requireTls: false } },
      auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 0 },
      limits: { loginAttemptsPerMinute: PER_ADDRESS, loginFailuresPerAccountPerMinute: PER_ACCOUNT, loginFailuresPerAccountAndAddressPerMinute: PER_PAIR },
    },
  });
  for (const user of ['honest', 'victim', 'neighbour', 'nat-user']) await server.createUser(user, `right-${user}`);
  honest = await HonestClient.connect(server, 'honest', 'right-honest');
});

afterAll(async () => {
  await honest?.stop();
  await server?.stop();
});

test('twenty addresses guessing one account are refused once the account has its share of failures', async () => {
  await honest.baseline();
  // The owner logged in from 127.0.1.1 earlier: that address stays trusted for the account.
  expect(await plainLogin(server, 'victim', 'right-victim', '127.0.1.1')).toEqual({ ok: true });
  const answers = [];
  for (let i = 0; i < 20; i++) answers.push(await plainLogin(server, 'victim', `guess-${i}`, `127.0.2.${i + 1}`));
  expect(answers.slice(0, PER_ACCOUNT)).toEqual(Array(PER_ACCOUNT).fill(WRONG));
  expect(answers.slice(PER_ACCOUNT)).toEqual(Array(20 - PER_ACCOUNT).fill(ACCOUNT_REFUSED));
  // The right password from a new address waits for the window like the guesses (SCRAM too)...
  expect(await plainLogin(server, 'victim', 'right-victim', '127.0.3.1')).toEqual(ACCOUNT_REFUSED);
  await expect(connectClient(server, { username: 'victim', password: 'right-victim' })).rejects.toThrow(/temporary-auth-failure/);
  // ...but from where the owner logged in before it still works.
  expect(await plainLogin(server, 'victim', 'right-victim', '127.0.1.1')).toEqual({ ok: true });
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('an address guessing other accounts is refused, but its own trusted users still log in', async () => {
  const nat = '127.0.4.1';
  expect(await plainLogin(server, 'nat-user', 'right-nat-user', nat)).toEqual({ ok: true });
  for (let i = 0; i < PER_ADDRESS; i++) expect(await plainLogin(server, `someone-${i}`, 'guess', nat)).toEqual(WRONG);
  expect(await plainLogin(server, 'neighbour', 'right-neighbour', nat)).toEqual(ADDRESS_REFUSED);
  expect(await plainLogin(server, 'nat-user', 'right-nat-user', nat)).toEqual({ ok: true });
  // The same account from an address that did not guess is not affected.
  expect(await plainLogin(server, 'neighbour', 'right-neighbour', '127.0.4.2')).toEqual({ ok: true });
});

test('even a trusted address gets only a few guesses at its own account', async () => {
  const home = '127.0.5.1';
  expect(await plainLogin(server, 'neighbour', 'right-neighbour', home)).toEqual({ ok: true });
  for (let i = 0; i < PER_PAIR; i++) expect(await plainLogin(server, 'neighbour', `guess-${i}`, home)).toEqual(WRONG);
  expect(await plainLogin(server, 'neighbour', 'right-neighbour', home)).toEqual(PAIR_REFUSED);
  // Refusals are not failures: the account-wide count did not move, other addresses log in.
  expect(await plainLogin(server, 'neighbour', 'right-neighbour', '127.0.5.2')).toEqual({ ok: true });
});
