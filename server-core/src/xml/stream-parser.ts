import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { Element } from 'ltx';
import { EventEmitter } from 'eventemitter3';

/** Stream error conditions the parser can raise (RFC 6120 4.9.3). */
export type XmlFault = 'not-well-formed' | 'restricted-xml' | 'policy-violation' | 'bad-format';

export interface XmlLimits {
  /** Largest stanza accepted, counted in characters of its serialised form as received. */
  maxStanzaBytes: number;
  /** Deepest element nesting inside one stanza. */
  maxDepth: number;
}

export interface XmlStreamEvents {
  streamStart: (attrs: Record<string, string>) => void;
  stanza: (element: Element) => void;
  streamEnd: () => void;
  fault: (condition: XmlFault, text: string) => void;
}

class ParseAbort extends Error {
  constructor(
    readonly condition: XmlFault,
    readonly text: string,
  ) {
    super(text);
  }
}

/**
 * Incremental parser shared by both framings.
 * - `stream` (TCP/TLS): one `<stream:stream>` root; its children are stanzas.
 * - `frames` (WebSocket, RFC 7395): every top-level element of a frame is a stanza
 *   (including `<open/>` and `<close/>`).
 * DTDs, entity declarations, processing instructions and comments are refused as
 * restricted XML (RFC 6120 11.1), which also shuts out entity-expansion attacks.
 */
export class XmlStreamParser extends EventEmitter<XmlStreamEvents> {
  private parser!: SaxesParser<{ xmlns: false; fragment: boolean }>;
  private stack: Element[] = [];
  private stanzaStart = 0;
  private failed = false;
  private readonly stanzaLevel: number;

  constructor(
    private readonly mode: 'stream' | 'frames',
    private readonly limits: XmlLimits,
  ) {
    super();
    this.stanzaLevel = mode === 'stream' ? 1 : 0;
    this.reset();
  }

  /** Starts over with a fresh document (stream restart after STARTTLS and SASL). */
  reset(): void {
    this.stack = [];
    this.failed = false;
    const parser = new SaxesParser<{ xmlns: false; fragment: boolean }>({ xmlns: false, fragment: this.mode === 'frames' });
    parser.on('doctype', () => this.abort('restricted-xml', 'DTDs are not allowed'));
    parser.on('processinginstruction', () => this.abort('restricted-xml', 'processing instructions are not allowed'));
    parser.on('comment', () => this.abort('restricted-xml', 'comments are not allowed'));
    parser.on('opentagstart', () => {
      if (this.stack.length === this.stanzaLevel && !this.inRoot()) this.stanzaStart = this.parser.position;
    });
    parser.on('opentag', (tag) => this.onOpen(tag));
    parser.on('closetag', (tag) => this.onClose(tag));
    parser.on('text', (text) => this.onText(text));
    parser.on('cdata', (text) => this.onText(text));
    parser.on('error', (err) => this.abort('not-well-formed', err.message));
    this.parser = parser;
  }

  write(chunk: string): void {
    if (this.failed) return;
    try {
      this.parser.write(chunk);
      this.checkSize();
    } catch (err) {
      this.failed = true;
      if (err instanceof ParseAbort) this.emit('fault', err.condition, err.text);
      else this.emit('fault', 'not-well-formed', err instanceof Error ? err.message : String(err));
    }
  }

  /** For `frames` mode: each WebSocket message must be a complete document fragment. */
  endFrame(): void {
    if (this.failed) return;
    if (this.stack.length > 0) {
      this.failed = true;
      this.emit('fault', 'not-well-formed', 'a WebSocket message must contain complete elements');
    }
  }

  private inRoot(): boolean {
    return this.mode === 'stream' && this.stack.length === 0;
  }

  private abort(condition: XmlFault, text: string): never {
    throw new ParseAbort(condition, text);
  }

  private checkSize(): void {
    if (this.stack.length > this.stanzaLevel && this.parser.position - this.stanzaStart > this.limits.maxStanzaBytes) {
      this.abort('policy-violation', `stanza larger than ${this.limits.maxStanzaBytes} bytes`);
    }
  }

  private onOpen(tag: SaxesTagPlain): void {
    const attrs = tag.attributes as Record<string, string>;
    if (this.mode === 'stream' && this.stack.length === 0) {
      if (tag.name !== 'stream:stream') this.abort('not-well-formed', `expected <stream:stream>, got <${tag.name}>`);
      this.stack.push(new Element(tag.name, attrs));
      this.emit('streamStart', attrs);
      return;
    }
    if (this.stack.length - this.stanzaLevel >= this.limits.maxDepth) {
      this.abort('policy-violation', `elements nested deeper than ${this.limits.maxDepth}`);
    }
    const element = new Element(tag.name, attrs);
    if (this.stack.length > this.stanzaLevel) this.stack[this.stack.length - 1].cnode(element);
    this.stack.push(element);
    this.checkSize();
  }

  private onClose(tag: SaxesTagPlain): void {
    const element = this.stack.pop();
    if (!element) return;
    if (this.mode === 'stream' && this.stack.length === 0) {
      this.emit('streamEnd');
      return;
    }
    if (this.stack.length === this.stanzaLevel) this.emit('stanza', element);
    void tag;
  }

  private onText(text: string): void {
    if (this.stack.length > this.stanzaLevel) {
      this.stack[this.stack.length - 1].t(text);
      this.checkSize();
      return;
    }
    // Between stanzas only whitespace (keepalives) is allowed.
    if (text.trim().length > 0) this.abort('bad-format', 'text outside of a stanza');
  }
}
