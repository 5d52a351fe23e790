/**
 * `asterisk server-*|device-*|settings-*|call-list`: the Asterisk-IM plugin's servers, device
 * mappings, settings and call logs, through the admin API of the running server (routes under
 * /api/plugins/asterisk-im/), so a change applies at once on every node. The API validates and
 * names the field at fault; its message is what the command prints.
 */
import { CliError, type OptionSpec, type PluginCommand, type PluginCommandGroup, type PluginCommandInput } from '@asterisk-im/server-core';

const segment = (value: string): string => encodeURIComponent(value);

function print(input: PluginCommandInput, lines: string[]): void {
  input.io.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

function integerOption(input: PluginCommandInput, name: string): number | undefined {
  const value = input.options[name];
  if (typeof value !== 'string') return undefined;
  if (!/^\d+$/.test(value)) throw new CliError('usage', `--${name} must be a whole number, got '${value}'`);
  return Number(value);
}

function stringOption(input: PluginCommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === 'string' ? value : undefined;
}

interface ServerInfo {
  name: string;
  host: string;
  port: number;
  username: string;
  tls: boolean;
}

const serverList: PluginCommand = {
  name: 'server-list',
  summary: 'list Asterisk servers (name, address, user, TLS); secrets are never shown',
  async run(input) {
    const { servers } = (await input.admin('GET', '/servers')) as { servers: ServerInfo[] };
    print(input, servers.map((s) => `${s.name}\t${s.host}:${s.port}\t${s.username}\t${s.tls ? 'tls' : 'plain'}`));
  },
};

const SERVER_OPTIONS: Record<string, OptionSpec> = {
  host: { type: 'string', valueName: '<host>', description: 'AMI host name or address' },
  port: { type: 'string', valueName: '<port>', description: 'AMI port (default 5038)' },
  username: { type: 'string', valueName: '<user>', description: 'the manager.conf user' },
  secret: { type: 'string', valueName: '<secret>', description: 'its secret (default: read from AIM_AMI_SECRET)' },
  tls: { type: 'boolean', description: 'connect with TLS' },
};

const serverAdd: PluginCommand = {
  name: 'server-add',
  summary: 'add an Asterisk server, or update it when the name exists (the secret is kept when not given)',
  args: [{ name: 'name' }],
  options: SERVER_OPTIONS,
  details: 'Example: AIM_AMI_SECRET=s3cret asterisk-im asterisk server-add pbx1 --host 10.0.0.5 --username asterisk-im',
  async run(input) {
    const body = {
      host: stringOption(input, 'host'),
      port: integerOption(input, 'port'),
      username: stringOption(input, 'username'),
      secret: stringOption(input, 'secret') ?? input.io.env.AIM_AMI_SECRET,
      tls: input.options.tls === true ? true : undefined,
    };
    const { servers } = (await input.admin('GET', '/servers')) as { servers: ServerInfo[] };
    const exists = servers.some((s) => s.name === input.args.name);
    const saved = exists
      ? ((await input.admin('PUT', `/servers/${segment(input.args.name)}`, body)) as ServerInfo)
      : ((await input.admin('POST', '/servers', { name: input.args.name, ...body })) as ServerInfo);
    print(input, [`${exists ? 'updated' : 'added'} ${saved.name}\t${saved.host}:${saved.port}\t${saved.username}`]);
  },
};

const serverTest: PluginCommand = {
  name: 'server-test',
  summary: 'connect to a stored server once (login, event mask, logoff) and report the outcome',
  args: [{ name: 'name' }],
  async run(input) {
    const result = (await input.admin('POST', `/servers/${segment(input.args.name)}/test`, {})) as { ok: boolean; version?: string; error?: string };
    if (result.ok) {
      print(input, [`ok: Asterisk Call Manager/${result.version ?? '?'}`]);
      return 0;
    }
    input.io.stderr.write(`failed: ${result.error ?? 'unknown error'}\n`);
    return 1;
  },
};

/** A command that deletes one thing by name through the admin API and says so. */
function deleteCommand(name: string, summary: string, arg: string, collection: string, done: string): PluginCommand {
  return {
    name,
    summary,
    args: [{ name: arg }],
      async run(input) {
      await input.admin('DELETE', `/${collection}/${segment(input.args[arg])}`);
      print(input, [`${done} ${input.args[arg]}`]);
    },
  };
}

const serverDelete = deleteCommand('server-delete', 'delete an Asterisk server (refused while devices are mapped on it)', 'name', 'servers', 'deleted');

interface DeviceInfo {
  device: string;
  user: string;
  server: string;
  extension: string;
  primary: boolean;
  monitored: boolean;
}

const deviceList: PluginCommand = {
  name: 'device-list',
  summary: 'list device mappings: device, user, server, extension, primary, monitored',
  options: { user: { type: 'string', valueName: '<jid>', description: 'only the devices of this user' } },
  async run(input) {
    const user = stringOption(input, 'user');
    const { devices } = (await input.admin('GET', `/devices${user ? `?user=${encodeURIComponent(user)}` : ''}`)) as { devices: DeviceInfo[] };
    print(
      input,
      devices.map((d) => `${d.device}\t${d.user}\t${d.server}\t${d.extension}\t${d.primary ? 'primary' : '-'}\t${d.monitored ? 'monitored' : 'unmonitored'}`),
    );
  },
};

const deviceAdd: PluginCommand = {
  name: 'device-add',
  summary: "map a phone to a chat user, e.g. device-add PJSIP/1001 --user alice@example.com --server pbx1 --extension 1001",
  args: [{ name: 'device' }],
  options: {
      user: { type: 'string', valueName: '<jid>', description: "the user's bare JID" },
    server: { type: 'string', valueName: '<name>', description: 'the Asterisk server the phone is on' },
    extension: { type: 'string', valueName: '<exten>', description: 'the extension that rings this phone' },
    'caller-id': { type: 'string', valueName: '<callerid>', description: 'caller ID for calls dialled from chat' },
    primary: { type: 'boolean', description: "make it the user's primary device (the first one always is)" },
    unmonitored: { type: 'boolean', description: "do not let this phone's calls change the user's presence" },
    mailbox: { type: 'string', valueName: '<box@context>', description: 'the voicemail box of the phone (default <extension>@default)' },
  },
  async run(input) {
    const body = {
      device: input.args.device,
      user: stringOption(input, 'user'),
      server: stringOption(input, 'server'),
      extension: stringOption(input, 'extension'),
      callerId: stringOption(input, 'caller-id'),
      primary: input.options.primary === true ? true : undefined,
      monitored: input.options.unmonitored === true ? false : undefined,
      mailbox: stringOption(input, 'mailbox'),
    };
    const saved = (await input.admin('POST', '/devices', body)) as DeviceInfo;
    print(input, [`mapped ${saved.device} to ${saved.user}${saved.primary ? ' (primary)' : ''}`]);
  },
};

const deviceDelete = deleteCommand('device-delete', "remove a device mapping (the user's next device becomes primary)", 'device', 'devices', 'removed');

const settingsGet: PluginCommand = {
  name: 'settings-get',
  summary: 'show the settings (context, caller ID, presence text, queue presence, …)',
  async run(input) {
    const settings = (await input.admin('GET', '/settings')) as Record<string, unknown>;
    print(input, Object.entries(settings).map(([key, value]) => `${key}\t${JSON.stringify(value)}`));
  },
};

/** `true`, `30000`, `null`, `{"A":"1"}` are JSON; anything else is taken as text. */
function settingValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const settingsSet: PluginCommand = {
  name: 'settings-set',
  summary: 'change one setting, e.g. settings-set queuePresence true',
  args: [{ name: 'key' }, { name: 'value' }],
  async run(input) {
    const settings = (await input.admin('PUT', '/settings', { [input.args.key]: settingValue(input.args.value) })) as Record<string, unknown>;
    print(input, [`${input.args.key}\t${JSON.stringify(settings[input.args.key])}`]);
  },
};

interface CallLogAnswer {
  complete: boolean;
  calls: Array<{ start: string; direction: string; number: string | null; name: string | null; answered: boolean; durationSeconds: number; device: string; id: string }>;
}

const callList: PluginCommand = {
  name: 'call-list',
  summary: "a user's recent calls, newest first, e.g. call-list alice@example.com --max 50",
  args: [{ name: 'user' }],
  options: {
    max: { type: 'string', valueName: '<n>', description: 'how many calls (1 to 100, default 20)' },
    before: { type: 'string', valueName: '<id>', description: 'only calls older than this one (the id column of a previous page)' },
  },
  async run(input) {
    const query = new URLSearchParams();
    const max = integerOption(input, 'max');
    if (max !== undefined) query.set('max', String(max));
    const before = stringOption(input, 'before');
    if (before) query.set('before', before);
    const answer = (await input.admin('GET', `/users/${segment(input.args.user)}/calls${query.size > 0 ? `?${query}` : ''}`)) as CallLogAnswer;
    const lines = answer.calls.map((c) =>
      [c.start, c.direction, c.number ?? '-', c.name ?? '-', c.answered ? `answered ${c.durationSeconds}s` : c.direction === 'incoming' ? 'missed' : 'not answered', c.device, c.id].join('\t'),
    );
    print(input, [...lines, ...(answer.complete ? [] : ['(older calls: --before the last id)'])]);
  },
};

export const asteriskCommands: PluginCommandGroup = {
  name: 'asterisk',
  summary: 'Asterisk-IM servers, device mappings and settings, through the admin API of the running server (see docs/asterisk-im.md).',
  commands: [serverList, serverAdd, serverTest, serverDelete, deviceList, deviceAdd, deviceDelete, settingsGet, settingsSet, callList],
};
