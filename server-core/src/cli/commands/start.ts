/** `start`: runs the server in the foreground until SIGINT or SIGTERM. */
import type { ServerConfig } from '../../config';
import { createLogger } from '../../log';
import type { Command, CliIo } from '../command';

/** How long a graceful stop may take before the process gives up and exits. */
const STOP_TIMEOUT_MS = 15_000;

interface Addresses {
  addresses: Record<string, { host: string; port: number }>;
  domain: string;
}

/**
 * Lines scripts may rely on: one `<listener> listening on <host>:<port>` per listener and a final
 * `ready`, so a test or supervisor can read the real ports when the config asks for port 0.
 */
export function describeRunningServer(server: Addresses, config: ServerConfig): string {
  const listeners = Object.entries(server.addresses).map(([name, address]) => {
    const path = name === 'websocket' && config.listeners.websocket ? ` (path ${config.listeners.websocket.path})` : '';
    return `  ${name} listening on ${address.host}:${address.port}${path}`;
  });
  return [
    `Asterisk-IM is serving domain ${server.domain}`,
    ...listeners,
    `  data folder ${config.dataDir}`,
    'ready (stop with Ctrl+C or SIGTERM)',
    '',
  ].join('\n');
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the server in the foreground',
  details: 'Prints where clients connect, then runs until SIGINT (Ctrl+C) or SIGTERM, when it stops cleanly.',
  async run(input) {
    const config = input.loadConfig();
    const logger = createLogger({ level: config.log.level, name: 'asterisk-im' });
    // Loaded here so account commands do not pay for (or depend on) the whole server.
    const { startServer } = await import('../../server');
    const server = await startServer(config, { logger });
    input.io.stdout.write(describeRunningServer(server, config));
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
