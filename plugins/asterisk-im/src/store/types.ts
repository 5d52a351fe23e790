/** What the plugin keeps in its tables: Asterisk servers, devices mapped to users, settings. */

/** An Asterisk server as stored; `secret` never leaves the store except to open an AMI link. */
export interface AsteriskServer {
  name: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  tls: boolean;
}

/** A server as shown to admins and logs: the secret is replaced by whether one is set. */
export type AsteriskServerInfo = Omit<AsteriskServer, 'secret'> & { hasSecret: boolean };

/** Creating needs every field but `port`/`tls`; updating may leave `secret` out to keep it. */
export interface AsteriskServerInput {
  name: string;
  host: string;
  port?: number;
  username: string;
  secret?: string;
  tls?: boolean;
}

export interface PhoneDevice {
  /** As Asterisk names it, normalised: `PJSIP/1001`. */
  device: string;
  /** The user's bare JID. */
  user: string;
  /** Name of the Asterisk server the device is on. */
  server: string;
  extension: string;
  callerId: string | null;
  primary: boolean;
  monitored: boolean;
  /** Voicemail box (`1001@default`); null means `<extension>@default` (see mailboxOf). */
  mailbox: string | null;
}

export interface PhoneDeviceInput {
  device: string;
  user: string;
  server: string;
  extension: string;
  callerId?: string | null;
  /** Default: true when the user has no other device. */
  primary?: boolean;
  monitored?: boolean;
  mailbox?: string | null;
}

export type PresenceShow = 'away' | 'xa' | 'dnd';

/** Who sees a user's phone state: every contact who sees their presence, or nobody (only the user's own resources). */
export type PhoneVisibility = 'contacts' | 'nobody';

export const PHONE_VISIBILITIES: readonly PhoneVisibility[] = ['contacts', 'nobody'];

export function isPhoneVisibility(value: unknown): value is PhoneVisibility {
  return typeof value === 'string' && (PHONE_VISIBILITIES as readonly string[]).includes(value);
}

export interface Settings {
  /** Dialplan context of originated calls. */
  context: string;
  defaultCallerId: string | null;
  /** Channel variables set on originated calls. */
  dialVariables: Record<string, string>;
  /** How long the user's own phone rings before an originate gives up. */
  firstLegTimeoutMs: number;
  /** `<show>` of the phone presence. */
  presenceShow: PresenceShow;
  /** `<status>` of the phone presence. */
  statusText: string;
  /** Count a ringing phone as "on the phone". */
  ringingIsBusy: boolean;
  /** Pause the user's devices in Asterisk queues while the user is not available. */
  queuePresence: boolean;
  /** Who sees phone states of users who did not choose (see `PhoneStore.privacy`). */
  phoneVisibility: PhoneVisibility;
  /** Set the phone's DND (its `Custom:DND<ext>` hint) while the user chooses dnd in chat. */
  dndToPhone: boolean;
  /** `<show>`/`<status>` for the busy states other than on a call; what is left out is `presenceShow`/`statusText`. */
  stateTexts: Partial<Record<'ringing' | 'dialing' | 'on-hold' | 'dnd', { show?: PresenceShow; status?: string }>>;
  /** Days a call stays in the call log; the senior deletes older ones. */
  callLogRetentionDays: number;
  /** Tell a user of the calls they missed while offline, once, at their next login. */
  missedCallMessages: boolean;
}

export type PhoneStoreErrorKind = 'invalid' | 'not-found' | 'conflict';

/** A refused change; `field` names the input field at fault. */
export class PhoneStoreError extends Error {
  constructor(
    readonly kind: PhoneStoreErrorKind,
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PhoneStoreError';
  }
}

/**
 * Reads are synchronous from this node's snapshot; writes go to the database and then make
 * every node of the cluster reload its snapshot at once.
 */
export interface PhoneStore {
  servers: {
    list(): AsteriskServerInfo[];
    get(name: string): AsteriskServerInfo | undefined;
    /** A server of that name already existing is a conflict. */
    add(input: AsteriskServerInput): Promise<AsteriskServerInfo>;
    /** Fields left out keep their value (the secret too). */
    update(name: string, patch: Partial<Omit<AsteriskServerInput, 'name'>>): Promise<AsteriskServerInfo>;
    /** Refused (conflict) while devices use the server. */
    remove(name: string): Promise<boolean>;
  };
  devices: {
    list(): PhoneDevice[];
    get(device: string): PhoneDevice | undefined;
    ofUser(bareJid: string): PhoneDevice[];
    primaryOf(bareJid: string): PhoneDevice | undefined;
    /** Unknown user, unknown server, a device already mapped, a second primary are errors. */
    add(input: PhoneDeviceInput): Promise<PhoneDevice>;
    /** Fields left out keep their value; the primary device changes through setPrimary. */
    update(device: string, patch: Partial<Omit<PhoneDeviceInput, 'device' | 'primary'>>): Promise<PhoneDevice>;
    /** Makes the device its user's primary one (the previous primary stops being primary). */
    setPrimary(device: string): Promise<PhoneDevice>;
    /** Removing a primary device makes the user's next device primary. */
    remove(device: string): Promise<boolean>;
  };
  settings: {
    get(): Settings;
    update(patch: Partial<Settings>): Promise<Settings>;
  };
  /** Who sees each user's phone state: the user's own choice, else the `phoneVisibility` setting. */
  privacy: {
    of(bareJid: string): PhoneVisibility;
    /** What the user chose, or null when they follow the server's setting. */
    chosen(bareJid: string): PhoneVisibility | null;
    set(bareJid: string, visibility: PhoneVisibility | null): Promise<void>;
  };
  /** Fires on every node after its snapshot was reloaded. */
  onChange(listener: () => void): () => void;
  /** The stored server with its secret, only to open an AMI link or test the connection; never returned by an API. */
  credentials(name: string): AsteriskServer | undefined;
}

/** The voicemail box of a device: the mapped one, or `<extension>@default` as app_voicemail names a box without context. */
export function mailboxOf(device: Pick<PhoneDevice, 'mailbox' | 'extension'>): string {
  return (device.mailbox ?? `${device.extension}@default`).toLowerCase();
}
