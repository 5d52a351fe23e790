import { AmiLinkError } from './ami-link-error';
import { AmiMessageBuilder, type ReadMessage } from './ami-message-builder';

export interface AmiReaderLimits {
  /** Longest line accepted, in UTF-8 bytes without its line end; an unterminated line counts too. */
  maxLineBytes: number;
  /** Most lines one message may have (Follows output included). */
  maxMessageLines: number;
}

export interface AmiReaderSink {
  /** The version from the first line, `Asterisk Call Manager/5.0.1` -> `5.0.1`. */
  banner(version: string): void;
  message(message: ReadMessage): void;
  /** The stream broke the protocol; nothing more is read. */
  failed(reason: string, error: AmiLinkError): void;
}

const BANNER = /^Asterisk Call Manager\/([\w.\-]+)$/;
/** Far longer than any real banner, short enough that a chatty non-AMI server is refused at once. */
const MAX_BANNER_BYTES = 256;
const FOLLOWS = /^\s*response: *follows\s*$/i;
/** Old Asterisk ends Follows output with this marker, glued to the last output line when that lacked a line end. */
const END_MARKERS = ['--END COMMAND--', '--END SMS EVENT--'];
const CR = 13;

/** A `Response: Follows` in progress: headers first, then raw output lines, then the end marker. */
interface Follows {
  outputStarted: boolean;
  ended: boolean;
}

/**
 * Turns the text of one AMI connection into its banner and then its messages,
 * in order, in time linear in the input: every character is scanned once,
 * with indexOf from where the previous scan stopped, and lines are handed to
 * the message builder as they complete. The only pending state is the
 * unterminated tail, kept as its pieces so that a long line arriving in small
 * chunks is still copied once. Accepts CRLF and bare LF line ends.
 *
 * Chunks must be whole characters (a socket with an encoding set gives that).
 */
export class AmiFrameReader {
  private readonly builder = new AmiMessageBuilder();
  private awaitingBanner = true;
  private follows?: Follows;
  private tail: string[] = [];
  private tailBytes = 0;
  private stopped = false;

  constructor(
    private readonly limits: AmiReaderLimits,
    private readonly sink: AmiReaderSink,
  ) {}

  push(chunk: string): void {
    if (this.stopped) return;
    let start = 0;
    let newline = chunk.indexOf('\n');
    if (this.tail.length > 0) {
      if (newline === -1) return this.keepTail(chunk);
      this.tail.push(chunk.slice(0, newline));
      const line = this.tail.join('');
      this.tail = [];
      this.tailBytes = 0;
      this.takeLine(line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    while (newline !== -1 && !this.stopped) {
      const end = newline > start && chunk.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
      this.takeLine(chunk.slice(start, end));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length && !this.stopped) this.keepTail(start === 0 ? chunk : chunk.slice(start));
  }

  /** Drops whatever is buffered and ignores further input; the owner closed the connection. */
  stop(): void {
    this.stopped = true;
    this.tail = [];
    this.follows = undefined;
  }

  private keepTail(piece: string): void {
    this.tail.push(piece);
    this.tailBytes += Buffer.byteLength(piece);
    // A CR just before the cut may yet turn out to be the line end, which a line's length leaves out.
    const bytes = piece.charCodeAt(piece.length - 1) === CR ? this.tailBytes - 1 : this.tailBytes;
    if (bytes > this.lineLimit()) this.failLineTooLong();
  }

  private takeLine(line: string): void {
    // A character is 1 to 3 UTF-8 bytes (4 for a pair of UTF-16 units): counting is needed only near the limit.
    const limit = this.lineLimit();
    if (line.length * 3 > limit && (line.length > limit || Buffer.byteLength(line) > limit)) return this.failLineTooLong();
    if (this.awaitingBanner) return this.takeBanner(line);
    if (this.follows) return this.takeFollowsLine(this.follows, line);
    if (line.length === 0) return this.finishMessage();
    if (this.builder.lines === 0 && FOLLOWS.test(line)) this.follows = { outputStarted: false, ended: false };
    if (this.countLine()) this.builder.addLine(line);
  }

  private takeBanner(line: string): void {
    const match = BANNER.exec(line);
    if (!match) return this.fail('no AMI banner', 'the server did not greet as Asterisk Call Manager');
    this.awaitingBanner = false;
    this.sink.banner(match[1]);
  }

  /**
   * Both forms of a Follows answer: output as `Output:` headers (ends at the
   * blank line like any message), or raw output lines up to `--END COMMAND--`
   * (where a blank line is output until the marker came). Raw output lines are
   * kept in order under `output`, the key newer Asterisk uses.
   */
  private takeFollowsLine(follows: Follows, line: string): void {
    if (line.length === 0 && (follows.ended || !follows.outputStarted)) return this.finishMessage();
    if (!follows.ended) {
      const marker = END_MARKERS.find((m) => line.endsWith(m));
      if (marker !== undefined) {
        follows.ended = true;
        line = line.slice(0, -marker.length);
        if (line.length === 0) return;
      }
    }
    if (!this.countLine()) return;
    if (!follows.outputStarted && this.builder.tryHeaderLine(line)) return;
    follows.outputStarted = true;
    this.builder.addValue('output', line);
  }

  private finishMessage(): void {
    this.follows = undefined;
    const message = this.builder.finish();
    if (message) this.sink.message(message);
  }

  /** False once the message has too many lines (the reader has failed then). */
  private countLine(): boolean {
    if (this.builder.lines < this.limits.maxMessageLines) return true;
    this.fail('message too long', `a message from the server has more than ${this.limits.maxMessageLines} lines`);
    return false;
  }

  private lineLimit(): number {
    return this.awaitingBanner ? MAX_BANNER_BYTES : this.limits.maxLineBytes;
  }

  private failLineTooLong(): void {
    if (this.awaitingBanner) this.fail('no AMI banner', 'the server did not greet as Asterisk Call Manager');
    else this.fail('line too long', `a line from the server exceeds ${this.limits.maxLineBytes} bytes`);
  }

  private fail(reason: string, message: string): void {
    this.stop();
    this.sink.failed(reason, new AmiLinkError('protocol', message));
  }
}
