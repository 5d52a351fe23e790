/**
 * Click-to-dial and call forwarding from chat clients (Spark's `phone-action`):
 * an IQ handler on `phone.<domain>` on every node, and a senior-only task that
 * talks to Asterisk.
 */
import type { AsteriskImRuntime } from '../runtime';
import { PHONE_ACTION_TASK, PHONE_NS, phoneActionHandler } from './phone-action-handler';
import { failure } from './action-outcome';
import { phoneActionTaskSchema, SeniorPhoneActions } from './senior-phone-actions';

export { PHONE_NS } from './phone-action-handler';
export { normaliseDialString } from './dial-target';

export function registerActions(runtime: AsteriskImRuntime): void {
  const senior = new SeniorPhoneActions(runtime);
  runtime.ctx.cluster.registerTask(PHONE_ACTION_TASK, async (payload) => {
    const task = phoneActionTaskSchema.safeParse(payload);
    const outcome = task.success ? await senior.run(task.data) : failure('bad-request', 'malformed phone action task');
    return outcome;
  });
  runtime.component.addIqHandler(PHONE_NS, phoneActionHandler(runtime));
}
