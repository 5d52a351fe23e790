/** `start`: runs the server in the foreground until SIGINT or SIGTERM. */
import { ConfigError } from '../../config';
import { createLogger, LOG_FORMATS, type LogFormat } from '../../log';
import { bundledPluginNames } from '../../plugins/bundled-plugins';
import { pluginConfigProblems } from '../../plugins/check-plugin-configs';
import { CliError, type Command, type CliIo, type CommandInput } from '../../command/command';
import { describeRunningServer } from '../start-summary';

/** How long a graceful stop may take before the process gives up and exits. */
const STOP_TIMEOUT_MS = 15_000;

export const startCommand: Command = {
  name: 'start',
  summary: 'run the server in the foreground',
  details:
    'Prints where clients connect, then runs until SIGINT (Ctrl+C) or SIGTERM, when it stops cleanly.\n' +
    'A plugin that cannot load, whose config is refused or that fails to start stops the start (exit 1),\n' +
    'unless --allow-failed-plugins is given: then the server runs without it and says so.\n' +
    'Logs are readable lines on a terminal and JSON lines otherwise; --log-format chooses.',
  options: {
    'allow-failed-plugins': { type: 'boolean', description: 'start even when a plugin fails; it is reported as a warning' },
    'log-format': { type: 'string', valueName: '<pretty|json>', description: 'log lines for a person or JSON (default: pretty on a terminal, json otherwise)' },
  },
  async run(input) {
    const config = input.loadConfig();
    const format = logFormat(input);
    const allowFailed = input.options['allow-failed-plugins'] === true;
    const refused = pluginConfigProblems(config.plugins, { enabledOnly: true });
    if (refused.length > 0 && !allowFailed) throw new ConfigError('invalid', [...refused.map((entry) => entry.problem), FAILED_PLUGIN_HINT]);
    const logger = createLogger({ level: config.log.level, name: 'asterisk-im', format });
    // Loaded here so account commands do not pay for (or depend on) the whole server.
    const { startServer } = await import('../../server');
    const server = await startServer(config, { logger });
    const failed = server.plugins.list().filter((plugin) => plugin.enabled && plugin.state === 'failed' && !refused.some((entry) => entry.plugin === plugin.name));
    const failures = failed.map((plugin) => `plugin ${plugin.name} failed: ${plugin.error ?? 'unknown reason'}`);
    if (failures.length > 0 && !allowFailed) {
      await server.stop();
      input.io.stderr.write([...failures.map((line) => `error: ${line}`), FAILED_PLUGIN_HINT, ''].join('\n'));
      return 1;
    }
    const notes = [...refused.map((entry) => entry.problem), ...failures].map((line) => `${line.replace(/^config error at /, 'plugin config at ')} (running without it: --allow-failed-plugins)`);
    const runningPlugins = server.plugins.list().filter((plugin) => plugin.state === 'running').map((plugin) => plugin.name);
    input.io.stdout.write(describeRunningServer({ ...server, runningPlugins, bundledPlugins: bundledPluginNames() }, config, notes));
    const signal = await nextStopSignal(input.io);
    input.io.stdout.write(`stopping (${signal})\n`);
    const stopped = await Promise.race([server.stop().then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      input.io.stderr.write(`error: the server did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting anyway\n`);
      return 1;
    }
    input.io.stdout.write('stopped\n');
    return 0;
  },
};

const FAILED_PLUGIN_HINT = 'the server did not start; fix the plugin (see docs/plugins.md), disable it in the config, or start anyway with --allow-failed-plugins';

function logFormat(input: CommandInput): LogFormat {
  const given = input.options['log-format'];
  if (given === undefined) return (input.io.stdout as { isTTY?: boolean }).isTTY ? 'pretty' : 'json';
  if (typeof given === 'string' && (LOG_FORMATS as readonly string[]).includes(given)) return given as LogFormat;
  throw new CliError('usage', `--log-format must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(given)}`);
}

/** Resolves on the first SIGINT/SIGTERM; a second one while stopping exits at once. */
function nextStopSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', forceExit);
      process.once('SIGTERM', forceExit);
      resolve(signal);
    };
    const forceExit = () => {
      io.stderr.write('error: second stop signal; exiting without a clean stop\n');
      process.exit(1);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
