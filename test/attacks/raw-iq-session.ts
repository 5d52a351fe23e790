/**
 * A signed-in, bound stream on a raw socket, for attacks that must not parse what they
 * provoke: a big roster result parsed by a test client would stall the test process, and
 * with it the server under test, which shares its event loop. Needs a server with
 * `requireTls: false` and `auth.allowPlainWithoutTls: true`.
 */
import type { ServerAddress } from '../support/xmpp-client';
import type { RawStream } from './attack-kit';
import { rawSession } from './raw-session';

export interface RawAnswer {
  /** The first few KiB of the answer, from its `<iq`. */
  head: string;
  /** How many `<item ` openings the answer held. */
  items: number;
  bytes: number;
}

export class RawSession {
  private sequence = 0;

  private constructor(
    readonly stream: RawStream,
    readonly jid: string,
  ) {}

  static async login(server: ServerAddress, username: string, password: string, resource = 'raw'): Promise<RawSession> {
    const stream = await rawSession(server, username, password, resource);
    stream.received = '';
    return new RawSession(stream, `${username}@${server.domain}/${resource}`);
  }

  /**
   * Calls `onText` with each piece of text received and the last 64 characters before it (so a
   * pattern split between two pieces can still be found in `before + piece`), until `done()`; rejects when the
   * connection closes first or after `timeoutMs`. Nothing received is kept: holding and
   * searching megabytes here would cost the shared event loop more than the server does.
   */
  watch(onText: (piece: string, before: string) => void, done: () => boolean, timeoutMs = 30000): Promise<void> {
    const socket = this.stream.socket;
    return new Promise((resolve, reject) => {
      let tail = '';
      const finish = (error?: Error) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        this.stream.received = '';
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: string) => {
        this.stream.received = '';
        onText(chunk, tail);
        tail = (tail + chunk).slice(-64);
        if (done()) finish();
      };
      const onClose = () => finish(new Error('the connection closed while watching it'));
      const timer = setTimeout(() => finish(new Error(`not done within ${timeoutMs} ms`)), timeoutMs);
      socket.on('data', onData);
      socket.on('close', onClose);
    });
  }

  /** Sends an IQ and resolves once its answer ended, with the answer's first 4 KiB and its number of `<item/>` children. */
  async iq(type: 'get' | 'set', payload: string, timeoutMs = 30000): Promise<RawAnswer> {
    const id = `raw-${++this.sequence}`;
    const answer: RawAnswer = { head: '', items: 0, bytes: 0 };
    let started = false;
    let ended = false;
    const occurrences = (text: string, what: string) => text.split(what).length - 1;
    const watching = this.watch(
      (piece, before) => {
        let fresh = piece;
        if (!started) {
          const text = before + piece;
          const at = text.indexOf(`id="${id}"`);
          if (at < 0) return;
          started = true;
          fresh = text.slice(text.lastIndexOf('<iq', at));
          before = '';
        }
        if (answer.head.length < 4096) answer.head += fresh;
        answer.items += occurrences(before + fresh, '<item ') - occurrences(before, '<item ');
        answer.bytes += fresh.length;
        const openTag = answer.head.slice(0, answer.head.indexOf('>') + 1);
        ended = (openTag !== '' && openTag.endsWith('/>')) || (before + fresh).includes('</iq>');
      },
      () => ended,
      timeoutMs,
    );
    await this.stream.write(`<iq type='${type}' id='${id}'>${payload}</iq>`);
    await watching;
    return answer;
  }

  dispose(): Promise<void> {
    return this.stream.dispose();
  }
}
