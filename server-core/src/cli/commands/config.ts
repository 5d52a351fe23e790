/** `config check`: validates the config without starting anything, optionally printing the result. */
import { ConfigError, isSecretKey } from '../../config';
import { moduleConfigProblems, pluginConfigProblems } from '../../plugins/check-plugin-configs';
import { CORE_MODULES } from '../../server/modules';
import type { Command, CommandGroup } from '../../command/command';

/** Masks URL passwords and secret-looking keys (plugin configs hold credentials). */
function masked(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (isSecretKey(key)) return '***';
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
  }
  if (Array.isArray(value)) return value.map((item) => masked(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, masked(inner, name)]));
  }
  return value;
}

const check: Command = {
  name: 'check',
  summary: 'check the config file, the core modules it names and each listed plugin\'s config against its schema; report every problem',
  options: { show: { type: 'boolean', description: 'print the effective config (defaults filled in, passwords masked)' } },
  async run(input) {
    const config = input.loadConfig();
    const refused = [...moduleConfigProblems(config.modules, CORE_MODULES, { domain: config.domain }), ...pluginConfigProblems(config.plugins).map((entry) => entry.problem)];
    if (refused.length > 0) throw new ConfigError('invalid', refused, input.options.config as string | undefined);
    if (input.options.show) input.io.stdout.write(`${JSON.stringify(masked(config), null, 2)}\n`);
    else input.io.stdout.write(`config ok: domain ${config.domain}, storage ${config.storage.kind}, cluster ${config.cluster.kind}\n`);
  },
};

export const configCommands: CommandGroup = {
  name: 'config',
  summary: 'Check the configuration (see docs/configuration.md).',
  commands: [check],
};
