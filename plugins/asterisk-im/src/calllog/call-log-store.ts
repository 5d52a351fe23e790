import type { Queryable } from '@asterisk-im/server-core';
import type { CallDirection, EndedCall } from '../calls';

/** One call of a user's phone, as the call log shows it to the user and to admins. */
export interface LoggedCall {
  /** The Uniqueid of the phone's channel; also the paging cursor. */
  id: string;
  user: string;
  device: string;
  direction: CallDirection;
  number: string | null;
  name: string | null;
  /** ms since the epoch */
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  answered: boolean;
  /** Talk time in whole seconds (0 when not answered). */
  durationSeconds: number;
}

export interface CallLogPage {
  calls: LoggedCall[];
  /** No older call of the user is left after this page. */
  complete: boolean;
}

interface CallRow extends Record<string, unknown> {
  call_id: string;
  user_jid: string;
  device: string;
  direction: string;
  peer_number: string | null;
  peer_name: string | null;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
}

/** An incoming call nobody answered. */
export const isMissed = (call: Pick<EndedCall, 'direction' | 'answeredAt'>): boolean => call.direction === 'incoming' && call.answeredAt === undefined;

const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

function toLogged(r: CallRow): LoggedCall {
  const answeredAt = r.answered_at === null ? null : Number(r.answered_at);
  const endedAt = Number(r.ended_at);
  return {
    id: r.call_id,
    user: r.user_jid,
    device: r.device,
    direction: (['incoming', 'outgoing'].includes(r.direction) ? r.direction : 'unknown') as CallDirection,
    number: r.peer_number,
    name: r.peer_name,
    startedAt: Number(r.started_at),
    answeredAt,
    endedAt,
    answered: answeredAt !== null,
    durationSeconds: answeredAt === null ? 0 : Math.max(0, Math.round((endedAt - answeredAt) / 1000)),
  };
}

export class UnknownCursorError extends Error {}

/** The call log table (`asterisk_im_call_log`), on SQLite or the cluster's PostgreSQL. */
export class CallLogStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Writes an ended call; the first write of a call wins (a second senior that saw the same end,
   * or the resync of a new senior finding it gone, writes nothing). Resolves true when written.
   */
  async record(call: EndedCall, noticePending: boolean): Promise<boolean> {
    const changed = await this.db.run(
      `INSERT INTO asterisk_im_call_log (call_id, user_jid, device, direction, peer_number, peer_name, started_at, answered_at, ended_at, notice_pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING`,
      [call.callID, call.user, call.device, call.direction, call.otherNum ?? null, call.otherName ?? null, call.startedAt, call.answeredAt ?? null, call.endedAt, noticePending ? 1 : 0],
    );
    return changed > 0;
  }

  /** A user's calls, newest first, `max` of them, older than the call `before` when given. */
  async page(user: string, { max = DEFAULT_PAGE, before }: { max?: number; before?: string } = {}): Promise<CallLogPage> {
    const limit = Math.min(Math.max(1, Math.floor(max)), MAX_PAGE);
    const params: Array<string | number> = [user];
    let older = '';
    if (before !== undefined) {
      const cursor = await this.db.get<{ started_at: number }>('SELECT started_at FROM asterisk_im_call_log WHERE call_id = ? AND user_jid = ?', [before, user]);
      if (!cursor) throw new UnknownCursorError(`no call ${before} in the call log`);
      const startedAt = Number(cursor.started_at);
      older = ' AND (started_at < ? OR (started_at = ? AND call_id < ?))';
      params.push(startedAt, startedAt, before);
    }
    const rows = await this.db.all<CallRow>(
      `SELECT * FROM asterisk_im_call_log WHERE user_jid = ?${older} ORDER BY started_at DESC, call_id DESC LIMIT ${limit + 1}`,
      params,
    );
    return { calls: rows.slice(0, limit).map(toLogged), complete: rows.length <= limit };
  }

  /** Deletes the calls that ended before `endedBefore` (ms since the epoch); resolves how many. */
  prune(endedBefore: number): Promise<number> {
    return this.db.run('DELETE FROM asterisk_im_call_log WHERE ended_at < ?', [endedBefore]);
  }

  /** Missed calls whose notice the user has not had yet, oldest first. */
  async pendingNotices(user: string): Promise<LoggedCall[]> {
    const rows = await this.db.all<CallRow>('SELECT * FROM asterisk_im_call_log WHERE user_jid = ? AND notice_pending = 1 ORDER BY started_at, call_id', [user]);
    return rows.map(toLogged);
  }

  /** Takes a call's notice for delivery: true for exactly one caller, however many nodes ask at once. */
  async claimNotice(id: string): Promise<boolean> {
    return (await this.db.run('UPDATE asterisk_im_call_log SET notice_pending = 0 WHERE call_id = ? AND notice_pending = 1', [id])) === 1;
  }
}
