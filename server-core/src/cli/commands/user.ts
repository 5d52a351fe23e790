/** `user add|passwd|delete|list|admin`: account administration straight on the database. */
import type { ServerConfig } from '../../config';
import { openStorage } from '../../storage';
import type { AccountStore } from '../../storage';
import { JidError, normaliseLocal } from '../../xml';
import type { Command, CommandGroup, CommandInput, OptionSpec } from '../../command/command';
import { CliError } from '../../command/command';
import { readNewPassword } from '../password-input';

const PASSWORD_OPTION: Record<string, OptionSpec> = {
  password: {
    type: 'string',
    valueName: '<password>',
    description: 'the password (visible to other local users in the process list; prefer the prompt or stdin)',
  },
};

const PASSWORD_DETAILS =
  'Without --password the password is read from a hidden prompt (asked twice) on a terminal,\n' +
  'or from the first line of stdin when it is piped:  echo "$PASS" | asterisk-im user add alice';

/** Opens the configured database for one command and always closes it. */
async function withAccounts<T>(config: ServerConfig, work: (accounts: AccountStore) => Promise<T>): Promise<T> {
  const { db, stores } = await openStorage(config.storage, { scramIterations: config.auth.scramIterations });
  try {
    return await work(stores.accounts);
  } finally {
    await db.close();
  }
}

/** Accepts `alice` or `alice@<domain>`; returns the normalised local username. */
function usernameOf(input: CommandInput, config: ServerConfig): string {
  const given = input.args.name;
  const at = given.lastIndexOf('@');
  if (at >= 0 && given.slice(at + 1).toLowerCase() !== config.domain) {
    throw new CliError('failed', `'${given}' is not on this server's domain '${config.domain}'`);
  }
  try {
    return normaliseLocal(at >= 0 ? given.slice(0, at) : given);
  } catch (error) {
    if (error instanceof JidError) throw new CliError('failed', `invalid user name '${given}': ${error.message}`);
    throw error;
  }
}

const NAME = [{ name: 'name' }] as const;

const add: Command = {
  name: 'add',
  summary: 'create a user account',
  args: NAME,
  options: { ...PASSWORD_OPTION, admin: { type: 'boolean', description: 'make the user an administrator' } },
  details: PASSWORD_DETAILS,
  async run(input) {
    const config = input.loadConfig();
    const user = usernameOf(input, config);
    const password = await readNewPassword(input.io, input.options.password);
    await withAccounts(config, async (accounts) => {
      if (await accounts.exists(user)) throw new CliError('failed', `user '${user}' already exists`);
      await accounts.create(user, password, { isAdmin: input.options.admin === true });
    });
    input.io.stdout.write(`created user ${user}@${config.domain}${input.options.admin ? ' (admin)' : ''}\n`);
  },
};

const passwd: Command = {
  name: 'passwd',
  summary: "change a user's password",
  args: NAME,
  options: PASSWORD_OPTION,
  details: PASSWORD_DETAILS,
  async run(input) {
    const config = input.loadConfig();
    const user = usernameOf(input, config);
    await withAccounts(config, async (accounts) => {
      // Checked before asking, so nobody types a password twice for a misspelt name.
      if (!(await accounts.exists(user))) throw new CliError('failed', `no user '${user}'`);
      await accounts.setPassword(user, await readNewPassword(input.io, input.options.password));
    });
    input.io.stdout.write(`changed the password of ${user}@${config.domain}\n`);
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete a user and everything stored for them (roster, offline messages, vCard)',
  args: NAME,
  async run(input) {
    const config = input.loadConfig();
    const user = usernameOf(input, config);
    const deleted = await withAccounts(config, (accounts) => accounts.delete(user));
    if (!deleted) throw new CliError('failed', `no user '${user}'`);
    input.io.stdout.write(`deleted user ${user}@${config.domain}\n`);
  },
};

const list: Command = {
  name: 'list',
  summary: 'list user accounts, one per line (administrators marked "admin")',
  async run(input) {
    const config = input.loadConfig();
    const lines = await withAccounts(config, async (accounts) => {
      const names = [...(await accounts.list())].sort();
      const rows: string[] = [];
      for (const name of names) rows.push((await accounts.get(name))?.isAdmin ? `${name}\tadmin` : name);
      return rows;
    });
    input.io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  },
};

const admin: Command = {
  name: 'admin',
  summary: 'give or take administrator rights (admin console and API)',
  args: [{ name: 'name' }, { name: 'state', choices: ['on', 'off'] }],
  async run(input) {
    const config = input.loadConfig();
    const user = usernameOf(input, config);
    const on = input.args.state === 'on';
    await withAccounts(config, (accounts) => accounts.setAdmin(user, on));
    input.io.stdout.write(`${user}@${config.domain} is ${on ? 'now' : 'no longer'} an administrator\n`);
  },
};

export const userCommands: CommandGroup = {
  name: 'user',
  summary: 'Manage user accounts in the configured database (works while the server runs).',
  commands: [add, passwd, remove, list, admin],
};
