/**
 * Names that are members of every plain JavaScript object, used where input picks a handler:
 * IQ payload namespaces (server, account and component handlers), plugin names and routes in
 * the admin API, console pages and assets. Each gets the ordinary "there is no such thing"
 * answer, never an internal error or a prototype member.
 */
import path from 'node:path';
import { iqFailure, xml } from '../../server-core/testing/world';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { startAdminWorld, type AdminWorld } from './admin-kit';
import { captureLogs } from '../support/log-capture';

const ECHO = path.resolve(__dirname, '../../plugins/echo-component');
const PROTOTYPE_KEYS = ['__proto__', 'valueOf', 'hasOwnProperty', 'constructor', 'toString', 'isPrototypeOf', '__defineGetter__'];

let world: AdminWorld;
let honest: HonestClient;
const { lines, logger } = captureLogs();

beforeAll(async () => {
  world = await startAdminWorld({ plugins: [{ name: 'echo-component', path: ECHO }] }, undefined, logger);
  await world.server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(world.server, 'honest', 'secret-1');
});

afterAll(async () => {
  await honest?.stop();
  await world?.stop();
});

test.each(PROTOTYPE_KEYS)('an IQ whose payload namespace is %s gets service-unavailable from a component, the server and an account', async (key) => {
  await honest.baseline(5);
  const domain = world.server.domain;
  for (const to of [`echo.${domain}`, domain, `honest@${domain}`]) {
    for (const type of ['get', 'set']) {
      const failure = await iqFailure(honest.client, xml('iq', { type, to }, xml('query', { xmlns: key })));
      expect({ to, type, condition: failure.condition }).toEqual({ to, type, condition: 'service-unavailable' });
    }
  }
  // The component still answers what it does handle.
  await honest.client.iq(xml('iq', { type: 'get', to: `echo.${domain}` }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  expect(await honest.ratio(5)).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test.each(PROTOTYPE_KEYS)('the admin API and console answer 404 for %s as a plugin, route, page or asset name', async (key) => {
  for (const [method, url] of [
    ['GET', `/api/plugins/${key}`],
    ['PUT', `/api/plugins/${key}/config`],
    ['GET', `/api/plugins/echo-component/${key}`],
    ['GET', `/api/plugin-forms/${key}`],
    ['GET', `/api/users/${key}/roster`],
    ['GET', `/assets/${key}`],
    ['GET', `/${key}`],
  ]) {
    const answer = await world.request(method, url, method === 'PUT' ? { body: { config: {} } } : {});
    expect({ method, url, status: answer.status }).toEqual({ method, url, status: 404 });
  }
});

test('none of it logged an error', () => {
  expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
});
