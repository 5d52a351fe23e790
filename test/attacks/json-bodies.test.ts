/** Deeply nested JSON bodies: refused with 400 at the depth limit before anything walks them. */
import path from 'node:path';
import { MAX_JSON_DEPTH } from '../../server-core/src/http/json-body';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { startAdminWorld, type AdminWorld } from './admin-kit';

const MOTD = path.resolve(__dirname, '../../plugins/motd');
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
const TOO_DEEP = { error: { code: 'too-deep', message: `the body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels` } };

let world: AdminWorld;
let honest: HonestClient;

beforeAll(async () => {
  world = await startAdminWorld({ plugins: [{ name: 'motd', path: MOTD, config: { text: 'hello' } }] });
  await world.server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(world.server, 'honest', 'secret-1');
});

afterAll(async () => {
  await honest?.stop();
  await world?.stop();
});

test('a 100,000-deep body to PUT /api/plugins/:name/config is a 400 naming the limit, and the config is unchanged', async () => {
  await honest.baseline();
  const answer = await world.request('PUT', '/api/plugins/motd/config', { raw: `{"config":{"text":${nested(100_000)}}}` });
  expect(answer.status).toBe(400);
  expect(answer.json).toMatchObject(TOO_DEEP);
  expect((await world.request('GET', '/api/plugins/motd')).json).toMatchObject({ config: { text: 'hello' } });
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test.each([
  ['POST', '/api/users'],
  ['POST', '/api/plugins'],
  ['PUT', '/api/users/honest/password'],
  ['GET', '/api/cluster'],
  ['POST', '/api/plugins/motd/no-such-route'],
])('every JSON body is depth-checked: %s %s', async (method, url) => {
  const answer = await world.request(method, url, { raw: nested(100_000) });
  expect(answer.status).toBe(400);
  expect(answer.json).toMatchObject(TOO_DEEP);
});

test('the limit is exact: depth 64 is parsed (and validated), depth 65 is refused', async () => {
  const atLimit = await world.request('PUT', '/api/plugins/motd/config', { raw: `{"config":{"text":${nested(MAX_JSON_DEPTH - 2)}}}` });
  expect(atLimit.status).toBe(400);
  expect(atLimit.json.error.code).toBe('invalid-config');
  const over = await world.request('PUT', '/api/plugins/motd/config', { raw: `{"config":{"text":${nested(MAX_JSON_DEPTH - 1)}}}` });
  expect(over.json).toMatchObject(TOO_DEEP);
});

test('brackets inside strings do not count as depth', async () => {
  const answer = await world.request('PUT', '/api/plugins/motd/config', { body: { config: { text: `"\\${'['.repeat(3000)}` } } });
  expect(answer.status).toBe(200);
  expect((await world.request('GET', '/api/plugins/motd')).json.config.text).toBe(`"\\${'['.repeat(3000)}`);
});
