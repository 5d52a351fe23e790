import { SaxesParser, type SaxesTagNS, type SaxesAttributeNS } from 'saxes';
import { Element } from 'ltx';
import { EventEmitter } from 'eventemitter3';

/** Stream error conditions the parser can raise (RFC 6120 4.9.3). */
export type XmlFault = 'not-well-formed' | 'restricted-xml' | 'policy-violation' | 'bad-format' | 'unsupported-encoding';

export interface XmlLimits {
  /**
   * Most characters the parser may hold at once: a stanza as received, or whatever is not yet a
   * complete stanza (the stream header, an unfinished tag, text between stanzas).
   */
  maxStanzaBytes: number;
  /** Deepest element nesting inside one stanza. */
  maxDepth: number;
  /** Most attributes (namespace declarations included) on one element, the stream header too. */
  maxAttributes: number;
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

type NsParser = SaxesParser<{ xmlns: true; fragment: boolean }>;

/** The prefixes every document has bound (XML Namespaces 1.0 section 3). */
const PREDEFINED_PREFIXES = new Set(['xml', 'xmlns']);

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Incremental parser shared by both framings.
 * - `stream` (TCP/TLS): one `<stream:stream>` root; its children are stanzas.
 * - `frames` (WebSocket, RFC 7395): every top-level element of a frame is a stanza
 *   (including `<open/>` and `<close/>`).
 * Only namespace-well-formed XML 1.0 in UTF-8 passes (RFC 6120 11): unbound prefixes,
 * malformed qualified names, duplicate expanded attributes and misuse of the `xml`/`xmlns`
 * prefixes are `not-well-formed`. DTDs, processing instructions and comments are refused as
 * restricted XML (RFC 6120 11.1), which also shuts out entity-expansion attacks.
 *
 * Memory is bounded from the first character: whatever the parser holds that is not yet a
 * complete stanza counts against `maxStanzaBytes`, measured from the last point where it held
 * nothing. Whitespace between stanzas (keepalives) is dropped before it reaches the parser, so a
 * quiet stream can send keepalives forever.
 */
export class XmlStreamParser extends EventEmitter<XmlStreamEvents> {
  private parser!: NsParser;
  private stack: Element[] = [];
  /** Characters given to the parser so far (saxes' own position is exact only while it parses). */
  private received = 0;
  /** Position from which everything held counts against the budget. */
  private heldSince = 0;
  /** Position of the last stanza end (or of the header's end) in the chunk being parsed; -1 if none. */
  private settledAt = -1;
  /** True while the parser sits between stanzas with only whitespace pending. */
  private betweenStanzas = false;
  private attributeCount = 0;
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
    this.received = 0;
    this.heldSince = 0;
    this.betweenStanzas = this.mode === 'frames';
    const parser: NsParser = new SaxesParser({ xmlns: true, fragment: this.mode === 'frames' });
    parser.on('xmldecl', (decl) => {
      if (decl.encoding !== undefined && decl.encoding.toUpperCase() !== 'UTF-8') this.abort('unsupported-encoding', 'only UTF-8 is accepted');
    });
    parser.on('doctype', () => this.abort('restricted-xml', 'DTDs are not allowed'));
    parser.on('processinginstruction', () => this.abort('restricted-xml', 'processing instructions are not allowed'));
    parser.on('comment', () => this.abort('restricted-xml', 'comments are not allowed'));
    parser.on('opentagstart', () => {
      this.attributeCount = 0;
    });
    parser.on('attribute', () => {
      this.attributeCount += 1;
      if (this.attributeCount > this.limits.maxAttributes) this.abort('policy-violation', `more than ${this.limits.maxAttributes} attributes on one element`);
    });
    parser.on('opentag', (tag) => this.onOpen(tag));
    parser.on('closetag', () => this.onClose());
    parser.on('text', (text) => this.onText(text));
    parser.on('cdata', (text) => this.onText(text));
    parser.on('error', (err) => this.abort('not-well-formed', err.message));
    this.parser = parser;
  }

  write(chunk: string): void {
    if (this.failed) return;
    try {
      const rest = this.betweenStanzas ? this.skipKeepalives(chunk) : chunk;
      if (rest.length === 0) return;
      const base = this.received;
      this.betweenStanzas = false;
      this.settledAt = -1;
      this.parser.write(rest);
      this.received += rest.length;
      this.betweenStanzas = this.settledAt >= 0 && this.stack.length === this.stanzaLevel && isBlank(rest, this.settledAt - base);
      this.checkHeld(this.received);
    } catch (err) {
      this.failed = true;
      if (err instanceof ParseAbort) this.emit('fault', err.condition, err.text);
      else this.emit('fault', 'not-well-formed', err instanceof Error ? err.message : String(err));
    }
  }

  /** For `frames` mode: each WebSocket message must be a complete document fragment. */
  endFrame(): void {
    if (this.failed) return;
    if (this.stack.length > 0 || !this.betweenStanzas) {
      this.failed = true;
      this.emit('fault', 'not-well-formed', 'a WebSocket message must contain complete elements');
    }
  }

  private skipKeepalives(chunk: string): string {
    let i = 0;
    while (i < chunk.length && isXmlSpace(chunk.charCodeAt(i))) i++;
    return i === 0 ? chunk : chunk.slice(i);
  }

  private abort(condition: XmlFault, text: string): never {
    throw new ParseAbort(condition, text);
  }

  private checkHeld(position: number): void {
    if (position - this.heldSince <= this.limits.maxStanzaBytes) return;
    if (this.stack.length > this.stanzaLevel) this.abort('policy-violation', `stanza larger than ${this.limits.maxStanzaBytes} bytes`);
    this.abort('policy-violation', `more than ${this.limits.maxStanzaBytes} bytes of unfinished XML`);
  }

  /** A stanza (or the stream header) is complete: the parser holds nothing, the budget starts again. */
  private settled(): void {
    this.heldSince = this.settledAt = this.parser.position;
  }

  private onOpen(tag: SaxesTagNS): void {
    if (this.mode === 'stream' && this.stack.length === 0) {
      if (tag.name !== 'stream:stream') this.abort('not-well-formed', `expected <stream:stream>, got <${tag.name}>`);
      const attrs = plainAttributes(tag);
      this.stack.push(new Element(tag.name, attrs));
      this.settled();
      this.emit('streamStart', attrs);
      return;
    }
    if (this.stack.length - this.stanzaLevel >= this.limits.maxDepth) {
      this.abort('policy-violation', `elements nested deeper than ${this.limits.maxDepth}`);
    }
    const element = new Element(tag.name, selfContainedAttributes(tag));
    if (this.stack.length > this.stanzaLevel) this.stack[this.stack.length - 1].cnode(element);
    this.stack.push(element);
    this.checkHeld(this.parser.position);
  }

  private onClose(): void {
    const element = this.stack.pop();
    if (!element) return;
    if (this.mode === 'stream' && this.stack.length === 0) {
      this.emit('streamEnd');
      return;
    }
    if (this.stack.length === this.stanzaLevel) {
      this.settled();
      this.emit('stanza', element);
    }
  }

  private onText(text: string): void {
    if (this.stack.length > this.stanzaLevel) {
      this.stack[this.stack.length - 1].t(text);
      this.checkHeld(this.parser.position);
      return;
    }
    // Between stanzas only whitespace (keepalives) is allowed.
    if (text.trim().length > 0) this.abort('bad-format', 'text outside of a stanza');
    this.heldSince = this.parser.position;
  }
}

function isBlank(text: string, from: number): boolean {
  for (let i = Math.max(0, from); i < text.length; i++) if (!isXmlSpace(text.charCodeAt(i))) return false;
  return true;
}

function plainAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const name in tag.attributes) attrs[name] = (tag.attributes[name] as SaxesAttributeNS).value;
  return attrs;
}

/**
 * The element's attributes, plus a declaration for every prefix it uses that an ancestor bound:
 * the element then stands alone, so a stanza relayed without the stream header, or a payload
 * stored on its own (a vCard, a PEP item, an offline message), stays namespace-well-formed.
 */
function selfContainedAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  let prefixed = tag.prefix !== '';
  for (const name in tag.attributes) {
    const attr = tag.attributes[name] as SaxesAttributeNS;
    attrs[name] = attr.value;
    if (attr.prefix !== '') prefixed = true;
  }
  if (!prefixed) return attrs;
  declare(attrs, tag.prefix, tag.uri);
  for (const name in tag.attributes) {
    const attr = tag.attributes[name] as SaxesAttributeNS;
    declare(attrs, attr.prefix, attr.uri);
  }
  return attrs;
}

function declare(attrs: Record<string, string>, prefix: string, uri: string): void {
  if (prefix === '' || PREDEFINED_PREFIXES.has(prefix)) return;
  const key = `xmlns:${prefix}`;
  if (attrs[key] === undefined) attrs[key] = uri;
}
