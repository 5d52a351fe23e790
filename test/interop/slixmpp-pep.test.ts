/**
 * PEP, private storage and bookmarks as slixmpp (an independent client library) uses them:
 * OMEMO device lists and bundles with publish-options, precondition mismatch and reconfiguration,
 * nodes keeping several items, XEP-0223 private nodes, avatars, XEP-0402 bookmarks through
 * XEP-0048/XEP-0049, subscriptions, purge and delete. The script prints what each step saw.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server-harness';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';

function runScript(port: number, domain: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [path.join(__dirname, 'slixmpp_pep.py'), String(port), domain], { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`slixmpp run failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
    });
  });
}

describe('PEP, private storage and bookmarks with slixmpp', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['alice', 'bob', 'carol']) await server.createUser(user, `${user}-pw`);
    const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: ['Friends'] });
    await server.server.context.stores.rosters.put('alice', both('bob@localhost'));
    await server.server.context.stores.rosters.put('bob', both('alice@localhost'));
  });
  afterAll(() => server.stop());

  it('does what OMEMO, avatars, private nodes and bookmarks need', async () => {
    const seen = await runScript(server.c2sPort, server.domain);
    const notMet = { condition: 'conflict', pubsub: 'precondition-not-met' };
    expect(seen).toMatchObject({
      axolotl_devices_seen_by_stranger: ['4223'],
      axolotl_prekeys_seen_by_stranger: 20,
      axolotl_event_at_contact: true,
      omemo2_bundles_seen_by_stranger: ['27182', '31415'],
      omemo2_bundle_by_id: ['27182'],
      stranger_reads_presence_node: { condition: 'not-authorized', pubsub: 'presence-subscription-required' },
      open_on_presence_node: notMet,
      configured_access_model_before: 'presence',
      stranger_reads_after_reconfigure: ['current'],
      log_items: ['c', 'd', 'e'],
      log_newest_two: ['d', 'e'],
      log_gone_item: [],
      log_retract_event_at_contact: true,
      log_after_retract: ['c', 'e'],
      stranger_reads_log: { condition: 'not-authorized', pubsub: 'presence-subscription-required' },
      private_node_owner_reads: ['for alice only'],
      private_node_contact_reads: { condition: 'not-allowed', pubsub: 'closed-node' },
      avatar_matches: true,
      legacy_sees: [
        ['dev@conference.example', 'Dev', 'alice', true],
        ['tea@conference.example', 'Tea', 'alice', true],
      ],
      pep_after_legacy_set: ['new@conference.example', 'tea@conference.example'],
      pep_tea_nick: 'alice-legacy',
      bookmark_retract_event_at_owner: true,
      legacy_urls: ['https://example.org/'],
      contact_reads_bookmarks: { condition: 'not-allowed', pubsub: 'closed-node' },
      bookmark_events_at_contact: false,
      private_storage_reads: 'dark',
      private_storage_of_another: { condition: 'forbidden', pubsub: null },
      subscription: 'subscribed',
      subscriber_event: true,
      unsubscribe_again: { condition: 'unexpected-request', pubsub: 'not-subscribed' },
      purge_event_at_contact: true,
      log_after_purge: [],
      delete_event_at_contact: true,
      log_after_delete: { condition: 'item-not-found', pubsub: null },
    });
    expect(seen.account_features).toEqual(
      expect.arrayContaining([
        'http://jabber.org/protocol/pubsub#publish-options',
        'http://jabber.org/protocol/pubsub#config-node',
        'http://jabber.org/protocol/pubsub#access-whitelist',
        'http://jabber.org/protocol/pubsub#subscribe',
        'urn:xmpp:bookmarks:1#compat',
      ]),
    );
  }, 90000);
});
