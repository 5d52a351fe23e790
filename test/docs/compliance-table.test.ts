/**
 * The XEP-0479 table in docs/xmpp-server.md against the server itself: what it marks done is
 * advertised where the table says, and what it marks not yet is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Element } from 'ltx';
import { ClientPool, startNode, xml, type TestNode } from '@asterisk-im/server-core/testing';
import { rawSession, RAW_SIGN_IN_CONFIG } from '../attacks/raw-session';

const DOC = path.resolve(__dirname, '../../docs/xmpp-server.md');

interface Row {
  feature: string;
  done: boolean;
  where: 'server' | 'account' | 'stream' | 'server-item';
  value: string;
}

function rows(): Row[] {
  const text = fs.readFileSync(DOC, 'utf8');
  const table = text.slice(text.indexOf('## Compliance (XEP-0479'));
  return table
    .split('\n')
    .filter((line) => /^\| (Core|IM|Mobile) \|/.test(line))
    .flatMap((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      const [, , feature, , , status, advertised] = cells;
      const match = /^`(server|account|stream|server-item): ([^`]+)`/.exec(advertised);
      if (!match) return [];
      return [{ feature, done: status === 'done', where: match[1] as Row['where'], value: match[2] }];
    });
}

describe('the XEP-0479 compliance table', () => {
  let node: TestNode;
  const pool = new ClientPool(() => node);
  const seen = { server: [] as string[], account: [] as string[], stream: '', items: [] as string[] };

  beforeAll(async () => {
    node = await startNode({ config: RAW_SIGN_IN_CONFIG });
    await node.createUser('alice', 'pw-alice');
    const alice = await pool.login('alice', 'compliance');
    const features = (query: Element) => query.getChildren('feature').map((feature) => String(feature.attrs.var));
    seen.server = features((await alice.iq(xml('iq', { type: 'get', to: node.domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })))).getChild('query')!);
    seen.account = features((await alice.iq(xml('iq', { type: 'get', to: `alice@${node.domain}` }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })))).getChild('query')!);
    const items = (await alice.iq(xml('iq', { type: 'get', to: node.domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })))).getChild('query')!;
    seen.items = items.getChildren('item').map((item) => String(item.attrs.jid));
    // The features after sign-in, as a client reads them before it binds.
    const raw = await rawSession(node, 'alice', 'pw-alice', 'features');
    seen.stream = raw.received.slice(raw.received.lastIndexOf('<stream:features'));
    await raw.dispose();
  });
  afterAll(async () => {
    await pool.stopAll();
    await node?.stop();
  });

  const table = rows();

  test('has the rows of the three suites', () => {
    expect(table.length).toBeGreaterThanOrEqual(15);
    expect(new Set(table.map((row) => row.where))).toEqual(new Set(['server', 'account', 'stream', 'server-item']));
  });

  test.each(table.map((row) => [row.feature, row] as const))('%s: advertised as the table says', (_feature, row) => {
    const advertised = (() => {
      switch (row.where) {
        case 'server':
          return seen.server.includes(row.value);
        case 'account':
          return seen.account.includes(row.value);
        case 'server-item':
          return seen.items.some((jid) => jid.startsWith(row.value));
        case 'stream': {
          const [name, ns] = row.value.split(' ');
          return new RegExp(`<${name} xmlns="${ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(seen.stream);
        }
      }
    })();
    expect({ feature: row.feature, advertised }).toEqual({ feature: row.feature, advertised: row.done });
  });
});
