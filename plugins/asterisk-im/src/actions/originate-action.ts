import type { AmiAction } from '../ami';
import type { PhoneDevice, Settings } from '../store/types';

/**
 * The Originate that rings the user's own phone first and, once they pick up,
 * dials `extension` in the configured context. Async, so the answer comes as
 * soon as Asterisk queued the call rather than after the first leg answered
 * (which may take longer than any action timeout).
 */
export function originateAction(from: PhoneDevice, extension: string, settings: Settings): AmiAction {
  const callerId = from.callerId || settings.defaultCallerId || undefined;
  const variables = Object.keys(settings.dialVariables).length > 0 ? settings.dialVariables : undefined;
  return {
    Action: 'Originate',
    Channel: from.device,
    Exten: extension,
    Context: settings.context,
    Priority: 1,
    Timeout: settings.firstLegTimeoutMs,
    CallerID: callerId,
    Variable: variables,
    Async: 'true',
  };
}

/** Moves the other party of a call to `extension`, as a blind transfer does. */
export function redirectAction(channel: string, extension: string, settings: Settings): AmiAction {
  return { Action: 'Redirect', Channel: channel, Exten: extension, Context: settings.context, Priority: 1 };
}
