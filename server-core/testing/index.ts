/**
 * The test kit: `@asterisk-im/server-core/testing`. Real servers on loopback, real XMPP
 * clients, the in-process cluster and SQLite stores, for the tests of the server and of
 * plugins. Never imported by the server itself. See docs/testing.md.
 */

// Waiting for a condition: the one poll helper of the tests.
export { eventually } from './eventually';
export type { EventuallyOptions } from './eventually';

// One real node on free loopback ports (plugins loaded from their folders), and real clients.
export { startTestServer as startNode } from '../../test/support/server-harness';
export type { TestServer as TestNode, TestServerOptions as NodeOptions } from '../../test/support/server-harness';

// A real server and clients logged in as its users.
export {
  startWorld,
  roundTrip,
  capsSettled,
  chat,
  bodyIs,
  errorCondition,
  iqFailure,
  passwordOf,
  xml,
  chatClientCaps,
  CHAT_CLIENT_FEATURES,
  notifyOf,
} from './world';
export type { World, OnlineOptions, TestClient, IqFailure, ClientCaps } from './world';
export { connectClient, ClientPool } from '../../test/support/xmpp-client';
// PEP requests: publish with publish-options, items, node configuration forms.
export { publishItem, publishOptions, nodeConfigForm, pubsubForm, getItems, itemsOf, itemIds } from './pep-steps';
export type { ConnectOptions, ServerAddress } from '../../test/support/xmpp-client';
// Multi-user chat: joining, room configuration, admin items.
export { MUC_NS, MUC_USER_NS, MUC_ADMIN_NS, MUC_OWNER_NS, joinPresence, statusCodes, selfPresence, join, subjectOf, roomConfig, createRoom, adminItem, groupchat } from './muc-steps';
export type { JoinOptions } from './muc-steps';
// Rosters and presence between test clients.
export { mutualSubscription, presence, presenceOf, rosterOnly } from './presence-steps';

// Several nodes as processes, on Redis and a private PostgreSQL schema (each node is a ServerAddress).
export { TestCluster } from '../../test/support/cluster-harness';
export type { ClusterNode, ClusterHarnessOptions } from '../../test/support/cluster-harness';

// Running a node in-process, as the demo does.
export { startServer } from '../src/server';
export type { RunningServer } from '../src/server';
export type { Stores } from '../src/storage/stores';
export { parseConfig } from '../src/config';
export { createLogger } from '../src/log/logger';

// Building blocks for unit tests of plugin parts.
export { InProcessCluster } from '../src/cluster/in-process-cluster';
export { SqliteDatabase } from '../src/storage/sqlite-database';
export { CORE_MIGRATIONS } from '../src/storage/core-migrations';
export { runMigrations } from '../src/storage/migrations';
export { createStores } from '../src/storage/create-stores';
export { renderMetrics } from '../src/metrics/registry';

// The command line and the admin token it reads.
export { runCli } from '../src/cli/run-cli';
export { COMMANDS } from '../src/cli/commands';
export { ADMIN_TOKEN_FILE } from '../src/admin/admin-token';
// The CLI in this process (with the plugin commands a config names), or as a child process.
export { runCliInProcess, spawnCli, tempConfigFile, startCliServer } from '../../test/support/cli-in-process';
export type { CliOutcome, CliServer } from '../../test/support/cli-in-process';
