/**
 * XEP-0045 Multi-User Chat at conference.<domain>: rooms created on first join (instant or
 * reserved), affiliations and roles, moderation, members-only and password-protected rooms,
 * invitations, history, XEP-0410 self-ping, XEP-0421 occupant ids and XEP-0313 archives of
 * persistent rooms. Persistent rooms are kept in SQL; the rooms' live state is on the senior
 * node (see docs/clustering.md).
 */
import { clone, type Element } from 'ltx';
import { z } from 'zod';
import { componentDomain } from '../../plugins/plugin-component';
import { defineCoreModule } from '../../plugins/core-module';
import { monotonicNow } from '../../cluster/monotonic-clock';
import { parseJid, type StanzaError } from '../../xml';
import { MucArchive } from './muc-archive';
import { ACK_TOPIC, CHECK_EVERY_MS, FORWARD_TOPIC, MucForwarder } from './muc-cluster';
import { ForwardLedger, HANDLED_MAX_ENTRIES, HANDLED_TTL_MS } from './muc-forward-ledger';
import { MUC_MIGRATIONS } from './muc-migrations';
import { RoomRegistry } from './muc-rooms';
import { MucService } from './muc-service';
import { MucStore } from './muc-store';
import type { MucOutput } from './muc-stanzas';
import type { HistoryEntry, RoomConfig, RoomState } from './muc-types';

const flag = z.boolean({ invalid_type_error: 'must be true or false' });

const roomDefaults = z
  .object({
    persistent: flag.default(false).describe('New rooms stay when their last occupant leaves'),
    public: flag.default(true).describe('New rooms are listed in the service directory'),
    membersOnly: flag.default(false).describe('Only members may enter new rooms'),
    moderated: flag.default(false).describe('Only occupants with voice may speak in new rooms'),
    whois: z.enum(['moderators', 'anyone'], { errorMap: () => ({ message: 'must be moderators or anyone' }) }).default('moderators').describe('Who sees real JIDs in new rooms'),
    changeSubject: flag.default(false).describe('Participants, not only moderators, may change the subject'),
    allowInvites: flag.default(false).describe('Members may invite to members-only rooms'),
    allowPrivateMessages: flag.default(true).describe('Occupants may send each other private messages'),
  })
  .strict();

const configSchema = z
  .object({
    /** A label (conference → conference.<domain>) or a full domain. */
    address: z.string().min(1, 'must not be empty').regex(/^[a-z0-9][a-z0-9.-]*$/i, 'must be a DNS label or domain, e.g. conference').default('conference').describe('The service address: a label under the domain, or a full domain'),
    /** The service's name in disco. */
    name: z.string().max(200, 'must be at most 200 characters').default('Chat rooms').describe('The service name shown in disco'),
    /** Groupchat messages a room keeps for people who join. */
    historyLength: z.number().int('must be a whole number').min(0, 'must be at least 0').max(1000, 'must be at most 1000').default(20).describe('Messages a room keeps for people who join'),
    /** The most occupants any room may have. */
    maxUsers: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(200).describe('The most occupants any room may have'),
    /** Bounds what one account can make the service hold. */
    maxRoomsPerUser: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(50).describe('The most active rooms one account may own'),
    /** Bounds the memory a busy or missing senior can make a node hold. */
    forwardOutboxLimit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100000, 'must be at most 100000').default(2000).describe('Stanzas a node keeps forwarded to the senior and not yet acknowledged'),
    /** How a new room is configured before its owner changes anything. */
    roomDefaults: roomDefaults.default({}).describe('How a new room is configured before its owner changes it'),
  })
  .strict();

export type MucConfig = z.infer<typeof configSchema>;

export default defineCoreModule<MucConfig>({
  name: 'muc',
  description: 'XEP-0045 Multi-User Chat (group chat rooms)',
  configSchema,
  migrations: MUC_MIGRATIONS,
  async start(ctx) {
    const { core } = ctx;
    const config = ctx.config.value;
    const domain = componentDomain(config.address, core.domain);
    const defaults: RoomConfig = { name: '', description: '', password: '', maxUsers: config.maxUsers, ...config.roomDefaults };
    const snapshots = ctx.cluster.createCache<RoomState>('rooms', { restoredBy: 'writer' });
    const histories = ctx.cluster.createCache<HistoryEntry[]>('room-history', { restoredBy: 'writer' });
    await Promise.all([snapshots.ready(), histories.ready()]);
    const rooms = new RoomRegistry(new MucStore(ctx.db, defaults), snapshots, histories, defaults, { historyLength: config.historyLength, maxUsers: config.maxUsers, maxRoomsPerUser: config.maxRoomsPerUser });
    // Forward ids the senior handled, for the next senior: see ForwardLedger for why it is its own cache.
    const handled = ctx.cluster.createCache<number>('forwarded', { ttlMs: HANDLED_TTL_MS, maxEntries: HANDLED_MAX_ENTRIES, writtenBy: 'senior', restoredBy: 'writer' });
    await handled.ready();
    const ledger = new ForwardLedger(handled, () => ctx.cluster.isSenior());
    const reject = core.router.reject.bind(core.router);
    // An occupant of another server (federation) is reached through the router, which hands
    // the stanza to server-to-server; every resource of ours through the route table.
    const remote = (jid: string): boolean => parseJid(jid).domain !== core.domain;
    const toRemote = (jid: string, stanza: Element): void => {
      const addressed = clone(stanza);
      addressed.attrs.to = jid;
      void core.router.route(addressed, parseJid(String(addressed.attrs.from)));
    };
    // Every effect of a forwarded stanza is announced to the ledger before it leaves.
    const out: MucOutput = {
      deliver: (jid, stanza) => {
        ledger.beforeOutput(stanza.attrs.from as string | undefined);
        if (!remote(jid)) return core.router.deliverToResource(jid, stanza);
        toRemote(jid, stanza);
        return true;
      },
      deliverToEach: (jids, stanza) => {
        ledger.beforeOutput(stanza.attrs.from as string | undefined);
        const ours = jids.filter((jid) => !remote(jid));
        for (const jid of jids) if (remote(jid)) toRemote(jid, stanza);
        return core.router.deliverToEach(ours, stanza);
      },
      route: (stanza, from) => {
        ledger.beforeOutput(from);
        return core.router.route(stanza, parseJid(from));
      },
    };
    const rejectFromRoom = (stanza: Element, error: StanzaError) => {
      ledger.beforeOutput(stanza.attrs.to as string | undefined);
      reject(stanza, error);
    };
    const service = new MucService(rooms, out, { name: config.name }, rejectFromRoom, new MucArchive(ctx.db, (room) => ledger.currentId(room)), ctx.logger);
    const forwarder = new MucForwarder({
      cluster: ctx.cluster,
      logger: ctx.logger,
      timers: ctx.timers,
      ledger,
      outboxLimit: config.forwardOutboxLimit,
      reject,
      now: monotonicNow,
      handle: (s, from, to, turn) => service.handle(s, from, to, turn),
    });

    ctx.cluster.onMessage(FORWARD_TOPIC, (payload, fromNode) => forwarder.received(payload, fromNode));
    ctx.cluster.onMessage(ACK_TOPIC, (payload, fromNode) => forwarder.acknowledged(payload, fromNode));
    // A new senior gets the unacknowledged stanzas at once; the timer also catches a senior
    // change no event announces, resends, and stanzas waiting too long.
    ctx.cluster.on('markedSenior', () => forwarder.pump());
    ctx.cluster.on('memberLeft', () => forwarder.pump());
    const outboxGauge = ctx.metrics.gauge({ name: 'aim_muc_forward_outbox', help: 'Stanzas this node forwarded to the senior and that are not acknowledged yet' });
    ctx.timers.setInterval(() => {
      forwarder.pump();
      outboxGauge.set(forwarder.pending);
    }, CHECK_EVERY_MS);
    ctx.cluster.on('lostSeniority', () => rooms.forget());
    ctx.cluster.onNodeLost(({ resources }) => service.resourcesLost(resources.map((r) => r.fullJid)));
    ctx.onStop(core.router.registerComponent(domain, (stanza, from, to) => forwarder.accept(stanza, from, to)));
    ctx.disco.addItem({ jid: domain, name: config.name });

    const roomsGauge = ctx.metrics.gauge({ name: 'aim_muc_rooms', help: 'Active chat rooms (with occupants) in the cluster' });
    const occupantsGauge = ctx.metrics.gauge({ name: 'aim_muc_occupants', help: 'Resources joined to chat rooms in the cluster' });
    const measure = () => {
      const { rooms: active, occupants } = rooms.count();
      roomsGauge.set(active);
      occupantsGauge.set(occupants);
    };
    snapshots.on('entry', measure);
    ctx.onStop(() => snapshots.off('entry', measure));
    ctx.logger.info({ domain }, 'multi-user chat service ready');
  },
});
