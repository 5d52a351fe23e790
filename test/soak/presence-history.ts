/**
 * What a handover soak recorded, and the check of it against the call timeline: every presence
 * each contact received from each phone user, every phone event each user's resource received,
 * and each call as the soak placed it. Times are the soak's own clock (ms).
 */

export interface CallRecord {
  user: string;
  /** Uniqueid of the user's channel: the callID of its phone events. */
  callID: string;
  answeredAt: number;
  endedAt: number;
  /** The status the user had chosen when the call ended (set during it, and trapped, or from before). */
  statusAfter: string | null;
  /** Whether the user set a status during the call (so it was trapped). */
  trapped: boolean;
}

export interface PresenceRecord {
  watcher: string;
  user: string;
  at: number;
  phone: boolean;
  unavailable: boolean;
  status: string | null;
}

export interface PhoneEventRecord {
  user: string;
  callID: string;
  type: string;
  at: number;
}

export interface SoakHistory {
  users: string[];
  watchers: string[];
  calls: CallRecord[];
  presences: PresenceRecord[];
  phoneEvents: PhoneEventRecord[];
  /** Most authenticated AMI sessions the simulator had at once. */
  maxAmiSessions: number;
  /** Samples (every few ms) that saw two authenticated AMI sessions, and whether the old senior was paused then. */
  doubleAmiSessions: Array<{ at: number; whileSeniorPaused: boolean }>;
}

export interface CheckOptions {
  /** How long after a call ended a contact may still see "On the phone". */
  restoreBoundMs: number;
}

export interface Verdict {
  counts: Record<string, number>;
  violations: string[];
}

const describe = (p: PresenceRecord): string => (p.unavailable ? 'unavailable' : p.phone ? 'On the phone' : `status ${JSON.stringify(p.status)}`);

/** Checks the history; each violation names the user, the contact and the times. */
export function checkHistory(history: SoakHistory, options: CheckOptions): Verdict {
  const violations: string[] = [];
  /** Calls some contact saw On the phone: a listener knew them answered. */
  const shownCalls = new Set<string>();
  const counts: Record<string, number> = {
    calls: history.calls.length,
    callsWithTrappedPresence: history.calls.filter((c) => c.trapped).length,
    presencesReceived: history.presences.length,
    phoneEventsReceived: history.phoneEvents.length,
    callsShownToContacts: 0,
    callsNoListenerSaw: 0,
    callsAnsweredUnseen: 0,
    trappedPresencesRestored: 0,
    maxAmiSessions: history.maxAmiSessions,
  };
  // A SIGSTOPped senior cannot close its socket: Asterisk keeps its (silent, fenced) session
  // until it runs again. Two sessions at any other time mean two nodes acted as senior.
  const paused = history.doubleAmiSessions.filter((s) => s.whileSeniorPaused);
  const unpaused = history.doubleAmiSessions.filter((s) => !s.whileSeniorPaused);
  counts.amiSessionOverlapSamplesWhileSeniorPaused = paused.length;
  if (unpaused.length > 0) violations.push(`two authenticated AMI sessions at once, with no node paused (${unpaused.length} samples, first at ${Math.round(unpaused[0]!.at)})`);

  for (const watcher of history.watchers) {
    for (const user of history.users) {
      const seen = history.presences.filter((p) => p.watcher === watcher && p.user === user);
      const calls = history.calls.filter((c) => c.user === user).sort((a, b) => a.answeredAt - b.answeredAt);
      calls.forEach((call, k) => checkCall(call, calls[k + 1], seen, `${watcher} about ${user}`));
      const last = seen.at(-1);
      if (last?.phone) violations.push(`${watcher} last saw ${user} On the phone, at ${last.at}, after every call ended`);
    }
  }

  function checkCall(call: CallRecord, next: CallRecord | undefined, seen: PresenceRecord[], who: string): void {
    const shown = seen.find((p) => p.phone && p.at >= call.answeredAt && (!next || p.at < next.answeredAt));
    if (!shown) return;
    counts.callsShownToContacts! += 1;
    shownCalls.add(call.callID);
    const after = Math.max(call.endedAt, shown.at);
    const flicker = seen.find((p) => !p.phone && p.at > shown.at && p.at < call.endedAt);
    if (flicker) violations.push(`${who}: ${describe(flicker)} at ${flicker.at} while the call ${call.callID} was up (${call.answeredAt}-${call.endedAt}, On the phone shown at ${shown.at})`);
    const restored = seen.find((p) => !p.phone && p.at >= after);
    const nextShownBeforeBound = next !== undefined && next.answeredAt < call.endedAt + options.restoreBoundMs;
    if (nextShownBeforeBound && (!restored || restored.at >= next.answeredAt)) return;
    if (!restored) {
      violations.push(`${who}: still On the phone after the call ${call.callID} ended at ${call.endedAt}`);
      return;
    }
    if (restored.at - call.endedAt > options.restoreBoundMs) {
      violations.push(`${who}: back from the phone ${Math.round(restored.at - call.endedAt)} ms after the call ${call.callID} ended`);
    }
    if (restored.unavailable || restored.status !== call.statusAfter) {
      violations.push(`${who}: after the call ${call.callID} saw ${describe(restored)}, expected status ${JSON.stringify(call.statusAfter)}`);
    } else if (call.trapped) counts.trappedPresencesRestored! += 1;
  }

  const calls = new Map(history.calls.map((c) => [c.callID, c]));
  const byCall = new Map<string, Map<string, number[]>>();
  for (const event of history.phoneEvents) {
    if (!calls.has(event.callID)) {
      violations.push(`${event.user}: phone event ${event.type} for a call the soak did not place (${event.callID})`);
      continue;
    }
    const ofCall = byCall.get(event.callID) ?? new Map<string, number[]>();
    ofCall.set(event.type, [...(ofCall.get(event.type) ?? []), event.at]);
    byCall.set(event.callID, ofCall);
  }
  for (const call of history.calls) {
    const ofCall = byCall.get(call.callID);
    if (!ofCall) {
      counts.callsNoListenerSaw! += 1;
      continue;
    }
    for (const [type, times] of ofCall) if (times.length > 1) violations.push(`${call.user}: phone event ${type} ${times.length} times for the call ${call.callID} (at ${times.map(Math.round).join(', ')}; answered ${Math.round(call.answeredAt)}, ended ${Math.round(call.endedAt)})`);
    // A call answered and ended while no one listened to Asterisk was never known answered.
    const due = shownCalls.has(call.callID) ? ['ON_PHONE', 'HANG_UP'] : ['HANG_UP'];
    for (const type of due) {
      if (!ofCall.has(type)) violations.push(`${call.user}: no ${type} for the call ${call.callID} (${[...ofCall.keys()].join(', ')} received)`);
    }
    if (!shownCalls.has(call.callID) && !ofCall.has('ON_PHONE')) counts.callsAnsweredUnseen! += 1;
  }
  return { counts, violations };
}
