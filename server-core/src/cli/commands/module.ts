/**
 * `module list|enable|disable`: the server's own feature modules (blocking, ...) and the
 * plugins, one list, through the admin API of the running server like the plugin commands.
 */
import type { PluginInfo } from '../../plugins/types';
import type { Command, CommandGroup } from '../../command';
import { URL_OPTION, callAdmin, describe, reportChange } from './plugin';

const NAME = [{ name: 'name' }] as const;

const list: Command = {
  name: 'list',
  summary: 'list core modules and plugins: name, version, enabled or disabled, state, core or plugin',
  options: URL_OPTION,
  async run(input) {
    const { modules } = (await callAdmin(input, 'GET', '/api/modules')) as { modules: PluginInfo[] };
    input.io.stdout.write(modules.map((module) => `${describe(module)}\t${module.core ? 'core' : 'plugin'}\n`).join(''));
  },
};

const toggle = (name: 'enable' | 'disable', summary: string): Command => ({
  name,
  summary,
  args: NAME,
  options: URL_OPTION,
  run: async (input) => reportChange(input, await callAdmin(input, 'POST', `/api/modules/${encodeURIComponent(input.args.name)}/${name}`)),
});

export const moduleCommands: CommandGroup = {
  name: 'module',
  summary: "Turn the server's own features (and plugins) on and off at run time (see docs/plugins.md).",
  commands: [
    list,
    toggle('enable', 'start a module on every node and keep it enabled across restarts'),
    toggle('disable', 'stop a module on every node and keep it disabled across restarts (refused while another module needs it)'),
  ],
};
