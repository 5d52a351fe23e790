import { z } from 'zod';
import { isHostname } from '../../config';

const port = z
  .number({ invalid_type_error: 'expected a port number from 0 to 65535 (0 picks a free port)' })
  .int('expected a whole port number from 0 to 65535')
  .min(0, 'expected a port number from 0 to 65535 (0 picks a free port)')
  .max(65535, 'expected a port number from 0 to 65535 (0 picks a free port)');

const bindHost = z.string({ invalid_type_error: 'expected an address to listen on, such as "0.0.0.0"' }).min(1, 'must not be empty');

const listener = (defaultPort: number) => z.object({ host: bindHost.default('0.0.0.0'), port: port.default(defaultPort) }).strict();

const domain = z
  .string({ invalid_type_error: 'expected a domain such as "chat.example.org"' })
  .refine(isHostname, { message: 'expected a domain such as "chat.example.org"' })
  .transform((value) => value.toLowerCase());

/** "host:port", "[v6]:port"; the host is an address or a name resolved with A/AAAA (never SRV). */
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i;

const route = z
  .string({ invalid_type_error: 'expected "host:port", such as "10.0.0.7:5269"' })
  .refine((value) => HOST_PORT.test(value) && Number(HOST_PORT.exec(value)![2]) <= 65535 && Number(HOST_PORT.exec(value)![2]) > 0, {
    message: 'expected "host:port", such as "10.0.0.7:5269" or "[2001:db8::7]:5269"',
  });

const ms = (what: string) => z.number({ invalid_type_error: `expected ${what} in milliseconds` }).int('expected whole milliseconds').positive(`expected ${what} above 0`);
const count = (what: string) => z.number({ invalid_type_error: `expected ${what}` }).int('expected a whole number').positive(`expected ${what} above 0`);

export const s2sConfigSchema = z
  .object({
    /** STARTTLS listener (RFC 6120), `false` for outgoing links only. */
    listener: z.union([z.literal(false), listener(5269)], { errorMap: () => ({ message: 'expected false (off) or { host, port }' }) }).default({}),
    /** Direct TLS listener (XEP-0368), off unless set. */
    directTlsListener: z.union([z.literal(false), listener(5270)], { errorMap: () => ({ message: 'expected false (off) or { host, port }' }) }).default(false),
    /** Fixed addresses of remote domains; a domain listed here is never looked up in DNS. */
    routes: z.record(domain, route, { invalid_type_error: 'expected an object of "domain": "host:port"' }).default({}),
    /**
     * The secret dialback keys are made from (XEP-0185). Every node of a cluster must use the same;
     * unset, the nodes share one the first node made (kept in the cluster).
     */
    dialbackSecret: z.string().min(16, 'expected at least 16 characters').optional(),
    /** Refuse peers that do not encrypt (STARTTLS or direct TLS). */
    requireTls: z.boolean().default(true),
    /** PEM file of the authorities peer certificates must chain to for SASL EXTERNAL; unset: the system's. */
    caFile: z.string().min(1, 'must not be empty').optional(),
    /** Domains whose self-signed (or otherwise unverifiable) certificates are still accepted for SASL EXTERNAL: private deployments only. */
    insecureDomains: z.array(domain).default([]),
    /** Server Dialback (XEP-0220), the fallback when certificates cannot authenticate a peer. */
    dialback: z.boolean().default(true),
    /** From dialing to an authenticated link (DNS, TCP, TLS, authentication). */
    connectTimeoutMs: ms('a timeout').default(15000),
    /**
     * How long a remote server that cannot be reached (refused, no answer) is dialed again, with
     * its stanzas held, before they are bounced: a restart of the remote server loses nothing.
     */
    retryForMs: z.number({ invalid_type_error: 'expected a time in milliseconds' }).int('expected whole milliseconds').min(0, 'expected 0 (no retry) or more').default(60000),
    /** A link that carried nothing for this long is closed; the next stanza opens a new one. */
    idleTimeoutMs: ms('a timeout').default(300000),
    /** Largest stanza a remote server may send. */
    maxStanzaBytes: count('a size in bytes').min(10000, 'expected at least 10000 bytes').default(262144),
    /** Stanzas a remote domain may send per second on average (bursts of up to twice that). */
    stanzasPerSecond: count('a rate').default(1000),
    /** Streams remote servers may hold open on this node at once, authenticated or not. */
    maxIncomingStreams: count('a stream count').default(1000),
    /** Stanzas held for one remote domain while its link comes up; more are bounced. */
    maxQueuedStanzas: count('a stanza count').default(1000),
  })
  .strict();

export type S2sConfig = z.output<typeof s2sConfigSchema>;

/** Splits a checked "host:port" route. */
export function parseRoute(value: string): { host: string; port: number } {
  const [, host, portText] = HOST_PORT.exec(value)!;
  return { host: host.replace(/^\[|\]$/g, ''), port: Number(portText) };
}
