import { z } from 'zod';

/** The stream management module's settings (`modules.stream-management.config`). */
export const smConfigSchema = z
  .object({
    /** Offer resumption at all; off, `<enable resume='true'/>` gets a session that ends with its connection. */
    resume: z.boolean().default(true),
    /** How long a session whose connection dropped waits to be resumed (also the `max` advertised). */
    resumeTimeoutSeconds: z.number().int().min(1, 'must be at least 1 second').max(86400, 'must be at most one day (86400 s)').default(300),
    /** Unacknowledged stanzas kept per session; more closes the stream with policy-violation (detached: ends the session) ... */
    maxUnackedStanzas: z.number().int().min(10, 'must be at least 10').max(100000, 'must be at most 100000').default(1000),
    /**
     * ... once the oldest of them waited this long: a burst (the presence of a thousand contacts
     * at login) outgrows the bound for the time the client needs to acknowledge it, a client that
     * does not acknowledge does not. 0 applies the bound at once.
     */
    unackedGraceSeconds: z.number().int().min(0).max(3600, 'must be at most 3600 (one hour)').default(30),
    /** The server asks for an acknowledgement (`<r/>`) after this many unacknowledged stanzas ... */
    requestAckAfterStanzas: z.number().int().min(1).max(10000).default(5),
    /** ... or this long after the first unacknowledged one, whichever comes first. */
    requestAckAfterMs: z.number().int().min(10).max(600000).default(2000),
  })
  .strict();

export type SmConfig = z.infer<typeof smConfigSchema>;
