import { randomBytes } from 'node:crypto';
import { Element } from 'ltx';
import { defineCoreModule, type CoreModuleContext } from '../../plugins/core-module';
import { ClientSession } from '../../session';
import { StreamError, type FeatureStream } from '../../stream';
import { parseH } from './counter';
import { smConfigSchema, type SmConfig } from './config';
import { ManagedSession, SM_NS } from './managed-session';
import { settleUnacked, type Unacked } from './unacked';

/**
 * XEP-0198 Stream Management: acknowledgements both ways, and resumption of a session whose
 * connection dropped. A resumable session lives on the node it was bound on; its id names
 * that node, so a resumption attempted elsewhere is refused with `item-not-found` saying where.
 */
export default defineCoreModule<SmConfig>({
  name: 'stream-management',
  description: 'XEP-0198 Stream Management: acknowledgements and session resumption',
  configSchema: smConfigSchema,
  // push: a message it announced when it reached the detached session is not announced again when stored.
  optional: ['offline', 'push'],
  start(ctx) {
    const managed = new Map<ClientSession, ManagedSession>();
    const resumable = new Map<string, ManagedSession>();
    const offline = ctx.useOptional('offline');
    const push = ctx.useOptional('push');
    const detachedGauge = ctx.metrics.gauge({ name: 'aim_sm_detached_sessions', help: 'Sessions kept after their connection dropped, waiting to be resumed', labelNames: ['node'] as const });
    const resumptionsTotal = ctx.metrics.counter({ name: 'aim_sm_resumptions_total', help: 'Stream resumption attempts by result', labelNames: ['node', 'result'] as const });
    const node = ctx.nodeId;
    const resumptions = { inc: ({ result }: { result: 'resumed' | 'failed' | 'unknown' }) => resumptionsTotal.inc({ node, result }) };
    detachedGauge.set({ node }, 0);
    const nodeTag = Buffer.from(ctx.nodeId).toString('base64url');

    const failed = (stream: FeatureStream, condition: string, text?: string) => {
      const el = new Element('failed', { xmlns: SM_NS });
      el.c(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' });
      if (text) el.c('text', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas', 'xml:lang': 'en' }).t(text);
      stream.write(el);
    };

    const settle = async (session: ClientSession, unacked: Unacked[]) => {
      const outcome = await settleUnacked(ctx.core, offline, session.username, unacked, (message) => push.current?.wasAnnounced(message) ?? false);
      ctx.logger.info({ jid: session.fullJid, ...outcome }, 'unacknowledged stanzas of an ended session settled');
    };

    const enable = (element: Element, stream: FeatureStream) => {
      const session = stream.session;
      if (!(session instanceof ClientSession)) return failed(stream, 'unexpected-request', 'bind a resource first');
      if (managed.has(session)) return failed(stream, 'unexpected-request', 'stream management is enabled already');
      const config = ctx.config.value;
      const wantsResume = element.attrs.resume === 'true' || element.attrs.resume === '1';
      const asked = Number(element.attrs.max);
      const resumeSeconds = Number.isInteger(asked) && asked > 0 ? Math.min(asked, config.resumeTimeoutSeconds) : config.resumeTimeoutSeconds;
      const id = wantsResume && config.resume ? `${nodeTag}.${randomBytes(12).toString('base64url')}` : undefined;
      const enabled = new Element('enabled', { xmlns: SM_NS });
      if (id) Object.assign(enabled.attrs, { id, resume: 'true', max: String(resumeSeconds) });
      // Written before the stage is added: the first stanza counted is the first after <enabled/>.
      stream.write(enabled);
      const entry = new ManagedSession(session, {
        id,
        resumeSeconds,
        config: () => ctx.config.value,
        logger: ctx.logger,
        onDetachedChange: (detached) => (detached ? detachedGauge.inc({ node }) : detachedGauge.dec({ node })),
        settle: (unacked) => settle(session, unacked),
        released: () => {
          managed.delete(session);
          if (id) resumable.delete(id);
        },
      });
      managed.set(session, entry);
      if (id) resumable.set(id, entry);
    };

    const resume = async (element: Element, stream: FeatureStream) => {
      const previd = element.attrs.previd as string | undefined;
      const h = parseH(element.attrs.h as string | undefined);
      if (!previd || h === undefined) return failed(stream, 'bad-request', "resume needs previd and h (0 to 4294967295)");
      const entry = resumable.get(previd);
      if (!entry || entry.session.username !== stream.username || entry.resuming || entry.session.isEnded) {
        resumptions.inc({ result: 'unknown' });
        return failed(stream, 'item-not-found', whereWasIt(previd));
      }
      entry.resuming = true;
      try {
        const outcome = await entry.resume(stream, h);
        if (!outcome.ok) {
          resumptions.inc({ result: 'failed' });
          return failed(stream, outcome.condition, outcome.text);
        }
        resumptions.inc({ result: 'resumed' });
        ctx.logger.info({ jid: entry.session.fullJid, stream: stream.id, resent: entry.unackedCount }, 'session resumed');
      } finally {
        entry.resuming = false;
      }
    };

    /** Why an id is not known here: sessions resume only on the node they were bound on. */
    const whereWasIt = (previd: string): string => {
      const tag = previd.split('.')[0];
      if (tag === nodeTag) return 'no such session here: it ended or was never resumable';
      const node = Buffer.from(tag, 'base64url').toString();
      const alive = ctx.cluster.members().includes(node);
      return alive ? `that session is held by node ${node}; a session resumes only on the node it was bound on` : 'the node that held that session is gone; bind a new session';
    };

    ctx.streamFeatures.add({
      name: 'sm',
      offeredIn: 'post-auth',
      advertise: () => new Element('sm', { xmlns: SM_NS }),
      handledIn: 'bound',
      handles: (element) => element.attrs.xmlns === SM_NS,
      handle(element, stream) {
        const entry = stream.session instanceof ClientSession ? managed.get(stream.session) : undefined;
        switch (element.name) {
          case 'enable':
            return enable(element, stream);
          case 'r':
            if (!entry) return failed(stream, 'unexpected-request', 'stream management is not enabled');
            return stream.write(entry.answer());
          case 'a': {
            if (!entry) return failed(stream, 'unexpected-request', 'stream management is not enabled');
            const h = parseH(element.attrs.h as string | undefined);
            if (h === undefined) return stream.fail(new StreamError('undefined-condition', 'h must be an integer from 0 to 4294967295'));
            const outcome = entry.ack(h);
            if (!outcome.ok) return stream.fail(new StreamError('undefined-condition', outcome.text));
            return;
          }
          case 'resume':
            return failed(stream, 'unexpected-request', 'this stream has a session already');
          default:
            return stream.fail(new StreamError('unsupported-stanza-type', `<${element.name}/> is not a stream management element`));
        }
      },
    });

    ctx.streamFeatures.add({
      name: 'resume',
      handledIn: 'post-auth',
      handles: (element) => element.attrs.xmlns === SM_NS,
      handle(element, stream) {
        if (element.name === 'resume') return resume(element, stream);
        if (element.name === 'enable') return failed(stream, 'unexpected-request', 'bind a resource before enabling stream management');
        return stream.fail(new StreamError('not-authorized', 'bind a resource before stream management'));
      },
    });

    ctx.onStop(() => stopAll(ctx, managed));
  },

  // Settings are read when used: the bound and the acknowledgement pace apply at once, a new
  // resumption timeout to sessions enabled from now on. No restart, so no session is cut off.
  reconfigure(ctx, next) {
    ctx.logger.info({ config: next }, 'stream management settings changed');
  },
});

/**
 * The module is turned off on a running server: detached sessions end now, and clients that
 * count acknowledgements are disconnected (they would wait for answers nobody sends); what
 * they had not acknowledged is stored or bounced as for any ended session.
 */
async function stopAll(ctx: CoreModuleContext<SmConfig>, managed: Map<ClientSession, ManagedSession>): Promise<void> {
  const entries = [...managed.values()];
  if (entries.length > 0) ctx.logger.info({ sessions: entries.length }, 'stream management stopping; ending the sessions that use it');
  await Promise.all(
    entries.map(async (entry) => {
      const { session } = entry;
      await entry.ending();
      if (session.stream) session.stream.close(new StreamError('policy-violation', 'stream management was turned off on this server; reconnect'));
      else await session.end();
    }),
  );
}
