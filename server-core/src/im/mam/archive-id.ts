import { randomBytes } from 'node:crypto';

/** Widths in base-36 digits: 9 for the milliseconds (good past the year 5000), 3 for a per-ms counter. */
const TIME_DIGITS = 9;
const SEQ_DIGITS = 3;
const SEQ_LIMIT = 36 ** SEQ_DIGITS;

/**
 * Archive ids that sort like the archive: the time first, then a counter within the
 * millisecond, then a tag of the node that wrote them, so ids of several nodes never collide
 * and `ORDER BY id` is the order of arrival (to the millisecond across nodes). The time an
 * id carries is returned with it so the row's timestamp and its id always agree.
 */
export class ArchiveIds {
  private lastMs = 0;
  private seq = 0;
  private readonly nodeTag: string;

  constructor(private readonly now: () => number = Date.now) {
    this.nodeTag = BigInt(`0x${randomBytes(4).toString('hex')}`).toString(36).padStart(7, '0');
  }

  next(): { id: string; ms: number } {
    let ms = this.now();
    // Never backwards, even when the wall clock is stepped back: ids stay increasing on this node.
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.seq += 1;
      if (this.seq >= SEQ_LIMIT) {
        ms += 1;
        this.seq = 0;
      }
    } else {
      this.seq = 0;
    }
    this.lastMs = ms;
    return { id: `${ms.toString(36).padStart(TIME_DIGITS, '0')}${this.seq.toString(36).padStart(SEQ_DIGITS, '0')}${this.nodeTag}`, ms };
  }
}

/** The shape every id this server hands out has; anything else cannot be one of ours. */
export const ARCHIVE_ID = /^[0-9a-z]{19}$/;
