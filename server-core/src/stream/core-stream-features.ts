/**
 * The core's own stream features, expressed through the same registry modules and plugins
 * use: STARTTLS, SASL and resource binding (RFC 6120), the session and roster features clients
 * look for (RFC 3921 session, roster versioning, pre-approval). Stream management and client
 * state indication are core modules (services/stream-management, services/csi) adding theirs.
 */
import { randomBytes } from 'node:crypto';
import { Element } from 'ltx';
import type { Logger } from '../log';
import { NS, StanzaError, errorReply, normaliseResource, JidError } from '../xml';
import { StreamError } from './stream-errors';
import { SaslNegotiation } from './sasl-negotiation';
import type { SaslAuthenticator } from './sasl-types';
import type { StreamFeature, StreamFeatures } from './stream-features';

export interface CoreStreamFeatureOptions {
  authenticator: SaslAuthenticator;
  requireTls: boolean;
  /** SASL failures allowed on one stream before it is closed. */
  maxAuthFailures: number;
  logger: Logger;
}

function starttls(requireTls: boolean): StreamFeature {
  return {
    name: 'starttls',
    offeredIn: 'pre-auth',
    advertise(stream) {
      if (!stream.canStartTls) return undefined;
      const element = new Element('starttls', { xmlns: NS.TLS });
      if (requireTls) element.c('required');
      return element;
    },
    handledIn: 'pre-auth',
    handles: (element) => element.name === 'starttls' && element.attrs.xmlns === NS.TLS,
    handle(_element, stream) {
      if (!stream.canStartTls) return stream.fail(new StreamError('unsupported-feature', 'STARTTLS is not offered here'));
      return stream.proceedWithTls();
    },
  };
}

function sasl({ authenticator, requireTls, maxAuthFailures }: CoreStreamFeatureOptions): StreamFeature {
  const feature: StreamFeature = {
    name: 'sasl',
    offeredIn: 'pre-auth',
    // Where STARTTLS is required, mechanisms are offered only once TLS is up.
    advertise(stream) {
      if (!stream.secure && requireTls && stream.canStartTls) return undefined;
      const mechanisms = new Element('mechanisms', { xmlns: NS.SASL });
      for (const m of authenticator.mechanisms(stream.secure)) mechanisms.c('mechanism').t(m);
      return mechanisms;
    },
    handledIn: 'pre-auth',
    handles: (element) => element.attrs.xmlns === NS.SASL,
    async handle(element, stream) {
      if (stream.canStartTls && requireTls) return stream.fail(new StreamError('policy-violation', 'STARTTLS is required before authentication'));
      const negotiation = stream.local(feature, () => new SaslNegotiation(authenticator, () => stream.secure, (el) => stream.write(el), stream.remoteAddress));
      const outcome = await negotiation.handle(element);
      if (outcome.kind === 'authenticated') stream.authenticated(outcome.username);
      else if (outcome.kind === 'failed' && outcome.attempts >= maxAuthFailures) stream.fail(new StreamError('policy-violation', 'too many failed authentication attempts'));
    },
  };
  return feature;
}

const bind: StreamFeature = {
  name: 'bind',
  offeredIn: 'post-auth',
  advertise: () => new Element('bind', { xmlns: NS.BIND }),
  handledIn: 'post-auth',
  handles: (element) => element.name === 'iq' && element.attrs.type === 'set',
  async handle(iq, stream) {
    const bindRequest = iq.getChild('bind', NS.BIND);
    if (!bindRequest) return stream.write(errorReply(iq, new StanzaError('not-allowed', 'bind a resource first'), stream.domain));
    let resource: string;
    try {
      const requested = bindRequest.getChildText('resource');
      resource = requested && requested.trim() !== '' ? normaliseResource(requested) : randomBytes(6).toString('hex');
    } catch (err) {
      const text = err instanceof JidError ? err.message : 'bad resource';
      return stream.write(errorReply(iq, new StanzaError('bad-request', text), stream.domain));
    }
    const refused = await stream.bindResource(resource);
    if (refused) return stream.write(errorReply(iq, refused, stream.domain));
    const reply = new Element('iq', { type: 'result', id: iq.attrs.id });
    reply.c('bind', { xmlns: NS.BIND }).c('jid').t(`${stream.username}@${stream.domain}/${resource}`);
    stream.send(reply);
  },
};

/** Advertised because older clients wait for it; the session IQ itself is answered as an ordinary IQ. */
const session: StreamFeature = {
  name: 'session',
  offeredIn: 'post-auth',
  advertise: () => {
    const element = new Element('session', { xmlns: NS.SESSION });
    element.c('optional');
    return element;
  },
};

const rosterVersioning: StreamFeature = { name: 'roster-versioning', offeredIn: 'post-auth', advertise: () => new Element('ver', { xmlns: NS.ROSTER_VER }) };
const preApproval: StreamFeature = { name: 'pre-approval', offeredIn: 'post-auth', advertise: () => new Element('sub', { xmlns: NS.PRE_APPROVAL }) };

/** Adds the core's features, in the order clients see them advertised; returns the undo. */
export function addCoreStreamFeatures(features: StreamFeatures, options: CoreStreamFeatureOptions): () => void {
  const undos = [starttls(options.requireTls), sasl(options), bind, session, rosterVersioning, preApproval].map((feature) => features.add(feature));
  return () => undos.reverse().forEach((undo) => undo());
}
