import { z } from 'zod';

/** Field rules shared by the plugin config and the store, so both refuse the same input. */

const oneLine = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).regex(/^[^\r\n]+$/, 'must be one line');

export const serverFields = {
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
  host: oneLine(255),
  port: z.number().int('must be an integer').min(1).max(65_535),
  username: oneLine(80),
  secret: z.string().min(1, 'must not be empty').max(256).regex(/^[^\r\n]+$/, 'must be one line'),
  tls: z.boolean(),
};

export const deviceFields = {
  device: z.string().trim().max(128).regex(/^[A-Za-z0-9]+\/[^\s\-/][^\s]*$/, 'must look like TECH/name, e.g. PJSIP/1001').refine((d) => !/^local\//i.test(d), 'Local channels are not phones'),
  user: z.string().trim().toLowerCase().max(1023).regex(/^[^@/\s]+@[^@/\s]+$/, 'must be a bare JID (user@domain)'),
  server: serverFields.name,
  extension: z.string().trim().min(1, 'must not be empty').max(40).regex(/^[\w*#+]+$/, 'letters, digits, * # + _ only'),
  callerId: z.string().trim().max(80).regex(/^[^\r\n]*$/, 'must be one line').nullable(),
  primary: z.boolean(),
  monitored: z.boolean(),
  /** The voicemail box whose counts the user gets; null is `<extension>@default`. */
  mailbox: z.string().trim().max(120).regex(/^[\w.+*#-]+@[\w.-]+$/, 'must be mailbox@context, e.g. 1001@default').nullable(),
};

const presenceShow = z.enum(['away', 'xa', 'dnd']);
const statusText = z.string().max(200).regex(/^[^\r\n]*$/, 'must be one line');
/** What a contact sees for one busy state; either part left out is the on-call one. */
const stateText = z.object({ show: presenceShow.optional(), status: statusText.optional() }).strict().optional();

export const settingsSchema = z
  .object({
    context: z.string().trim().min(1).max(80).regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
    defaultCallerId: z.string().trim().max(80).regex(/^[^\r\n]*$/, 'must be one line').nullable(),
    dialVariables: z.record(z.string().regex(/^[A-Za-z_][\w()]*$/, 'not a channel variable name').max(80), z.string().max(255).regex(/^[^\r\n,|]*$/, 'must be one line without , or |')),
    firstLegTimeoutMs: z.number().int().min(1_000).max(600_000),
    presenceShow,
    statusText,
    ringingIsBusy: z.boolean(),
    queuePresence: z.boolean(),
    phoneVisibility: z.enum(['contacts', 'nobody']),
    dndToPhone: z.boolean(),
    stateTexts: z.object({ ringing: stateText, dialing: stateText, 'on-hold': stateText, dnd: stateText }).strict(),
    callLogRetentionDays: z.number().int('must be a whole number of days').min(1).max(3650),
    missedCallMessages: z.boolean(),
  })
  .strict();

export const DEFAULT_SETTINGS: z.infer<typeof settingsSchema> = {
  context: 'from-internal',
  defaultCallerId: null,
  dialVariables: {},
  firstLegTimeoutMs: 30_000,
  presenceShow: 'away',
  statusText: 'On the phone',
  ringingIsBusy: false,
  queuePresence: false,
  phoneVisibility: 'contacts',
  dndToPhone: false,
  stateTexts: {},
  callLogRetentionDays: 90,
  missedCallMessages: false,
};
