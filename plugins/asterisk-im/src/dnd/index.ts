/**
 * Do-not-disturb both ways. From the phone to chat is part of the phone state (calls/dnd-states.ts,
 * shown by the presence applier); from chat to the phone, opt-in with `dndToPhone`, is here.
 */
import type { AsteriskImRuntime } from '../runtime';
import { DndToPhone } from './dnd-to-phone';

export { dndHint, setPhoneDnd, DndToPhone } from './dnd-to-phone';

export function registerDndToPhone(runtime: AsteriskImRuntime): void {
  const sync = new DndToPhone(runtime);
  runtime.ctx.onStop(runtime.onUserPresence((change) => sync.onUserPresence(change)));
}
