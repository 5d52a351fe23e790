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
   * Sends an IQ and resolves once its answer ended, with the answer's first 4 KiB and its
   * number of `<item/>` children. The text is scanned as it arrives, never held whole: holding
   * and searching megabytes here would cost the shared event loop more than the server does.
   */
  iq(type: 'get' | 'set', payload: string, timeoutMs = 30000): Promise<RawAnswer> {
    const id = `raw-${++this.sequence}`;
    const socket = this.stream.socket;
    return new Promise((resolve, reject) => {
      let head = '';
      let tail = '';
      let items = 0;
      let bytes = 0;
      let started = -1;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        this.stream.received = '';
        if (error) reject(error);
        else resolve({ head, items, bytes });
      };
      const onData = (chunk: string) => {
        const text = tail + chunk;
        if (started < 0) {
          const at = text.indexOf(`id="${id}"`);
          if (at < 0) {
            tail = text.slice(-64);
            return;
          }
          started = text.lastIndexOf('<iq', at);
          head = text.slice(started);
          const scanned = text.slice(started);
          items = scanned.split('<item ').length - 1;
          bytes = scanned.length;
          tail = scanned.slice(-64);
        } else {
          if (head.length < 4096) head += chunk;
          items += text.split('<item ').length - 1 - (tail.split('<item ').length - 1);
          bytes += chunk.length;
          tail = text.slice(-64);
        }
        const openTag = head.slice(0, head.indexOf('>') + 1);
        if ((openTag !== '' && openTag.endsWith('/>')) || tail.includes('</iq>')) finish();
      };
      const onClose = () => finish(new Error(`the connection closed before the answer to ${id}`));
      const timer = setTimeout(() => finish(new Error(`no answer to ${id} within ${timeoutMs} ms`)), timeoutMs);
      socket.on('data', onData);
      socket.on('close', onClose);
      this.stream.received = '';
      void this.stream.write(`<iq type='${type}' id='${id}'>${payload}</iq>`);
    });
  }

  dispose(): Promise<void> {
    return this.stream.dispose();
  }
}
