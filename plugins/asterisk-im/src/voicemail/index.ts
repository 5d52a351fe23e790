/**
 * Voicemail (MWI): the senior follows `MessageWaiting` and asks `MailboxCount` at every resync;
 * each user's counts live in a replicated cache, so every node tells its own sessions of the user
 * (a headline from `phone.<domain>`) and answers the voicemail IQ.
 */
import { StanzaError } from '@asterisk-im/server-core';
import { VOICEMAIL_NS } from '../namespaces';
import type { AsteriskImRuntime } from '../runtime';
import { VoicemailRelay, voicemailElement } from './voicemail-relay';
import type { UserVoicemail } from './voicemail-state';
import { VoicemailTracker } from './voicemail-tracker';

export { parseMailboxCount, parseMessageWaiting } from './mwi-messages';
export type { UserVoicemail } from './voicemail-state';

/** Replicated: bare JID -> the user's counts; only the senior writes it. */
const VOICEMAIL_CACHE = 'voicemail';

export function registerVoicemail(runtime: AsteriskImRuntime): void {
  const { ctx, component, store } = runtime;
  const cache = ctx.cluster.createCache<UserVoicemail>(VOICEMAIL_CACHE, { writtenBy: 'senior' });
  new VoicemailTracker(runtime, cache).start();
  new VoicemailRelay(runtime, cache).start();
  ctx.onStop(
    component.addIqHandler(VOICEMAIL_NS, ({ iq, from }) => {
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'voicemail counts are read with an IQ get');
      if (!from.local || from.domain !== ctx.domain.toLowerCase()) throw new StanzaError('forbidden', 'only users of this server have voicemail');
      if (store.devices.ofUser(from.bare).length === 0) throw new StanzaError('item-not-found', 'you have no phone');
      return voicemailElement(cache.get(from.bare));
    }),
  );
  // For admins: a user's counts per mailbox, as the senior last heard them (any node answers).
  ctx.admin.route('GET', '/users/:jid/voicemail', ({ params }) => {
    const user = params.jid!.toLowerCase();
    const entry = cache.get(user);
    return { user, new: entry?.new ?? 0, old: entry?.old ?? 0, boxes: entry?.boxes ?? {} };
  });
}
