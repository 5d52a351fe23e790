/**
 * Who sees a user's phone state: every contact who sees their presence (default), or nobody.
 * The presence applier and the activity read it from the store; this registers the user's IQ.
 */
import { PRIVACY_NS } from '../namespaces';
import type { AsteriskImRuntime } from '../runtime';
import { privacyHandler } from './privacy-iq';

export { PRIVACY_NS };

export function registerPrivacy(runtime: AsteriskImRuntime): void {
  runtime.ctx.onStop(runtime.component.addIqHandler(PRIVACY_NS, privacyHandler(runtime)));
}
