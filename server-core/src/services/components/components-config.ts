import { z } from 'zod';
import { isHostname } from '../../config';

const port = z
  .number({ invalid_type_error: 'expected a port number from 0 to 65535 (0 picks a free port)' })
  .int('expected a whole port number from 0 to 65535')
  .min(0, 'expected a port number from 0 to 65535 (0 picks a free port)')
  .max(65535, 'expected a port number from 0 to 65535 (0 picks a free port)');

const listener = z
  .object({
    host: z.string().min(1, 'must not be empty').default('127.0.0.1').describe('The address to listen on; components usually run next to the server'),
    port: port.default(5347).describe('The XEP-0114 port (5347 is what Prosody and most components use)'),
  })
  .strict();

const component = z
  .object({
    domain: z
      .string({ required_error: 'is required (the address the component serves, such as "gateway.example.com")' })
      .refine(isHostname, { message: 'expected a hostname such as "gateway.example.com"', params: { showValue: true } })
      .transform((value) => value.toLowerCase()),
    secret: z
      .string({ required_error: 'is required (the shared secret the component proves in its handshake)', invalid_type_error: 'expected a string' })
      .min(8, 'must be at least 8 characters'),
    name: z.string().max(200, 'must be at most 200 characters').optional().describe('The name shown in the server\'s service discovery'),
  })
  .strict();

/** The `components` module's settings (`modules.components.config` in the config file). */
export const componentsConfigSchema = z
  .object({
    /** Off by default: no port is opened until the operator names one and lists components. */
    listener: z
      .union([z.literal(false), listener], { errorMap: () => ({ message: 'expected false (off) or an object with the listener settings { "host", "port" }' }) })
      .default(false)
      .describe('The XEP-0114 listener: false (off) or { host, port }'),
    components: z.array(component, { invalid_type_error: 'expected a list of { "domain", "secret" } entries' }).default([]).describe('The components that may connect, each with its own secret'),
    /** From the first byte to an accepted handshake. */
    handshakeTimeoutMs: z.number().int('expected whole milliseconds').min(100, 'expected at least 100 ms').default(10000).describe('Time a component has to complete its handshake, in ms'),
    /** Whitespace on a connected component's stream, so a connection whose other end vanished is noticed. */
    keepaliveIntervalMs: z.number().int('expected whole milliseconds').min(1000, 'expected at least 1000 ms').default(60000).describe('How often a whitespace keepalive goes to each connected component, in ms'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.components.forEach((entry, index) => {
      if (seen.has(entry.domain)) ctx.addIssue({ code: 'custom', path: ['components', index, 'domain'], message: `component ${entry.domain} is listed twice` });
      seen.add(entry.domain);
    });
    if (config.listener !== false && config.components.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['components'], message: 'is empty, so no component could connect: list { "domain", "secret" } entries or set listener to false' });
    }
  });

export type ComponentsConfig = z.infer<typeof componentsConfigSchema>;

/** What the schema cannot see: a component domain that is the server's own domain. */
export function componentsProblems(config: ComponentsConfig, server: { domain: string }): Array<{ path: Array<string | number>; message: string }> {
  return config.components.flatMap((entry, index) =>
    entry.domain === server.domain ? [{ path: ['components', index, 'domain'], message: `is the server's own domain; a component needs a domain of its own, such as gateway.${server.domain}` }] : [],
  );
}
