import { z } from 'zod';
import type { Logger } from '@asterisk-im/server-core';

/** Every timeout and limit of an AMI link, with its default, in one place. */
export const AMI_LINK_DEFAULTS = {
  port: 5038,
  tls: false,
  /** Verify the server certificate when `tls` is on. */
  tlsRejectUnauthorized: true,
  /** First reconnect delay; doubles per failed attempt, with jitter. */
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  /** No answer to an action (or no new list item) within this time: error kind 'timeout'. */
  actionTimeoutMs: 5_000,
  /** A Ping is sent this long after the last Pong; a missed Pong drops and reconnects the link. */
  keepAliveMs: 20_000,
  /** From opening the socket to Asterisk's banner. */
  connectTimeoutMs: 10_000,
  /** How long stop() waits for Asterisk to close after Logoff before cutting the socket. */
  stopGraceMs: 1_000,
  /** A longer line from the server is treated as a protocol error (guards memory). */
  maxLineBytes: 65_536,
  /** A message with more lines from the server is a protocol error too; real events have a few dozen. */
  maxMessageLines: 2_048,
  /** The event classes asked for after login: calls, queues, and system (FullyBooted, Reload). */
  eventMask: 'call,agent,system',
} as const;

const positiveMs = z.number().int().positive().max(3_600_000);

export const amiLinkOptionsSchema = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535).default(AMI_LINK_DEFAULTS.port),
  username: z.string().min(1).max(80).regex(/^[^\r\n]+$/, 'must be one line'),
  secret: z.string().min(1).max(256).regex(/^[^\r\n]+$/, 'must be one line'),
  tls: z.boolean().default(AMI_LINK_DEFAULTS.tls),
  tlsRejectUnauthorized: z.boolean().default(AMI_LINK_DEFAULTS.tlsRejectUnauthorized),
  reconnectMinMs: positiveMs.default(AMI_LINK_DEFAULTS.reconnectMinMs),
  reconnectMaxMs: positiveMs.default(AMI_LINK_DEFAULTS.reconnectMaxMs),
  actionTimeoutMs: positiveMs.default(AMI_LINK_DEFAULTS.actionTimeoutMs),
  keepAliveMs: positiveMs.default(AMI_LINK_DEFAULTS.keepAliveMs),
  connectTimeoutMs: positiveMs.default(AMI_LINK_DEFAULTS.connectTimeoutMs),
  stopGraceMs: positiveMs.default(AMI_LINK_DEFAULTS.stopGraceMs),
  maxLineBytes: z.number().int().min(1024).default(AMI_LINK_DEFAULTS.maxLineBytes),
  maxMessageLines: z.number().int().min(128).default(AMI_LINK_DEFAULTS.maxMessageLines),
  eventMask: z.string().regex(/^[a-z]+(,[a-z]+)*$/).default(AMI_LINK_DEFAULTS.eventMask),
});

export type AmiLinkSettings = z.infer<typeof amiLinkOptionsSchema>;
export type AmiLinkOptions = z.input<typeof amiLinkOptionsSchema> & { logger?: Logger };

/** Validates options; a bad option throws a ZodError naming the field (never its value, which may be the secret). */
export function resolveAmiLinkOptions(options: AmiLinkOptions): AmiLinkSettings {
  const { logger: _logger, ...rest } = options;
  const settings = amiLinkOptionsSchema.parse(rest);
  if (settings.reconnectMaxMs < settings.reconnectMinMs) settings.reconnectMaxMs = settings.reconnectMinMs;
  return settings;
}
