import { z } from 'zod';
import { amiLinkOptionsSchema } from './ami/ami-link-options';
import { deviceFields, serverFields, settingsSchema } from './store/validation';

/**
 * The plugin's config. Servers, devices and settings live in the plugin's tables (edited
 * through the admin API); the config may declare some of them too:
 * - `servers` and `devices` are written into the tables at every start and reconfiguration
 *   (the config wins for the names it lists; entries added through the API stay). Config
 *   devices may name users that do not exist yet (accounts are often created later).
 * - `settings` are defaults; settings saved through the API override them.
 * - `link` tunes the AMI links (timeouts, reconnect backoff, bounds on what Asterisk may send).
 * Secrets are masked by the plugin host whenever the config is shown, and never logged.
 */
const positiveMs = z.number().int().positive().max(3_600_000);

export const configSchema = z
  .object({
    servers: z
      .array(
        z
          .object({ ...serverFields, port: serverFields.port.default(5038), tls: serverFields.tls.default(false) })
          .strict(),
      )
      .default([]),
    devices: z
      .array(
        z
          .object({
            ...deviceFields,
            callerId: deviceFields.callerId.optional(),
            primary: deviceFields.primary.optional(),
            monitored: deviceFields.monitored.default(true),
            mailbox: deviceFields.mailbox.optional(),
          })
          .strict(),
      )
      .default([]),
    settings: settingsSchema.partial().default({}),
    link: z
      .object({
        reconnectMinMs: positiveMs.optional(),
        reconnectMaxMs: positiveMs.optional(),
        actionTimeoutMs: positiveMs.optional(),
        keepAliveMs: positiveMs.optional(),
        connectTimeoutMs: positiveMs.optional(),
        stopGraceMs: positiveMs.optional(),
        maxLineBytes: amiLinkOptionsSchema.shape.maxLineBytes.removeDefault().optional(),
        maxMessageLines: amiLinkOptionsSchema.shape.maxMessageLines.removeDefault().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type AsteriskImConfig = z.infer<typeof configSchema>;
