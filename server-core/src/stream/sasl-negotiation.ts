import { Element } from 'ltx';
import { NS } from '../xml';
import type { SaslAuthenticator, SaslCondition, SaslExchange } from './sasl-types';

export type SaslOutcome = { kind: 'pending' } | { kind: 'authenticated'; username: string } | { kind: 'failed'; attempts: number };

function failure(condition: SaslCondition, text?: string): Element {
  const el = new Element('failure', { xmlns: NS.SASL });
  el.c(condition);
  if (text) el.c('text', { 'xml:lang': 'en' }).t(text);
  return el;
}

function decode(element: Element): Buffer | undefined {
  const text = element.getText().trim();
  if (text === '' || text === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Buffer.from(text, 'base64');
}

/** Runs RFC 6120 section 6 over the `<auth/>`, `<response/>` and `<abort/>` elements of one stream. */
export class SaslNegotiation {
  private exchange: SaslExchange | undefined;
  private failures = 0;

  constructor(
    private readonly authenticator: SaslAuthenticator,
    private readonly secure: () => boolean,
    private readonly send: (element: Element) => void,
    private readonly remoteAddress: string,
  ) {}

  get failedAttempts(): number {
    return this.failures;
  }

  async handle(element: Element): Promise<SaslOutcome> {
    switch (element.name) {
      case 'auth':
        return this.start(element);
      case 'response':
        if (!this.exchange) return this.fail('malformed-request', 'no authentication in progress');
        return this.step(element);
      case 'abort':
        this.exchange = undefined;
        return this.fail('aborted');
      default:
        return this.fail('malformed-request', `unexpected <${element.name}/>`);
    }
  }

  private async start(element: Element): Promise<SaslOutcome> {
    const mechanism = String(element.attrs.mechanism ?? '');
    if (!this.authenticator.mechanisms(this.secure()).includes(mechanism)) {
      const plainWithoutTls = mechanism === 'PLAIN' && !this.secure();
      return this.fail(plainWithoutTls ? 'encryption-required' : 'invalid-mechanism');
    }
    this.exchange = this.authenticator.begin(mechanism, this.secure(), this.remoteAddress);
    return this.step(element);
  }

  private async step(element: Element): Promise<SaslOutcome> {
    const data = decode(element);
    if (!data) return this.fail('incorrect-encoding');
    const exchange = this.exchange!;
    const result = await exchange.step(data);
    if (result.kind === 'challenge') {
      this.send(new Element('challenge', { xmlns: NS.SASL }).t(result.data.toString('base64')));
      return { kind: 'pending' };
    }
    this.exchange = undefined;
    if (result.kind === 'failure') return this.fail(result.condition, result.text);
    const success = new Element('success', { xmlns: NS.SASL });
    if (result.data && result.data.length > 0) success.t(result.data.toString('base64'));
    this.send(success);
    return { kind: 'authenticated', username: result.username };
  }

  private fail(condition: SaslCondition, text?: string): SaslOutcome {
    this.exchange = undefined;
    this.failures += 1;
    this.send(failure(condition, text));
    return { kind: 'failed', attempts: this.failures };
  }
}
