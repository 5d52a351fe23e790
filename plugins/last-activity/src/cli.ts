/** `asterisk-im last-activity show <user>` and `forget <user>`, through the plugin's admin routes. */
import { CliError, definePluginCli } from '@asterisk-im/server-core';

interface UserActivity {
  username: string;
  online: boolean;
  lastLogout: string | null;
  status: string | null;
}

function describe(activity: UserActivity, now: number): string {
  if (activity.online) return `${activity.username}: online`;
  if (activity.lastLogout === null) return `${activity.username}: no logout known yet`;
  const seconds = Math.max(0, Math.round((now - Date.parse(activity.lastLogout)) / 1000));
  return `${activity.username}: offline for ${seconds} s (since ${activity.lastLogout})${activity.status ? `: ${activity.status}` : ''}`;
}

const userArg = [{ name: 'user', description: 'the username (the part before the @)' }] as const;

function username(input: { args: Record<string, string> }): string {
  const user = input.args.user;
  if (user.includes('@')) throw new CliError('usage', `<user> is a username without the domain, got '${user}'`);
  return encodeURIComponent(user);
}

export default definePluginCli({
  plugin: 'last-activity',
  commands: [
    {
      name: 'last-activity',
      summary: 'when users were last online (XEP-0012)',
      commands: [
        {
          name: 'show',
          summary: "show when a user's last resource went offline",
          args: userArg,
          options: { json: { type: 'boolean', description: 'print the answer as JSON' } },
          async run(input) {
            const activity = (await input.admin('GET', `/users/${username(input)}`)) as UserActivity;
            input.io.stdout.write(input.options.json ? `${JSON.stringify(activity)}\n` : `${describe(activity, Date.now())}\n`);
          },
        },
        {
          name: 'forget',
          summary: "forget a user's last logout (queries then answer item-not-found until the next one)",
          args: userArg,
          async run(input) {
            await input.admin('DELETE', `/users/${username(input)}`);
            input.io.stdout.write(`forgot the last logout of ${input.args.user}\n`);
          },
        },
      ],
    },
  ],
});
