/**
 * One line per problem for errors a person caused or can fix; no stack traces unless
 * AIM_DEBUG is set, because a stack tells an operator nothing about their config or input.
 */
import { ConfigError } from '../config';
import { StorageError } from '../storage';
import { CliError } from '../command/command';
import { CertificateError } from '../transport/self-signed-certificate';

export function describeFailure(error: unknown, env: NodeJS.ProcessEnv): string[] {
  if (error instanceof ConfigError) return error.problems;
  if (error instanceof CliError || error instanceof StorageError || error instanceof CertificateError) return [`error: ${error.message}`];
  const message = error instanceof Error ? error.message : String(error);
  if (env.AIM_DEBUG && error instanceof Error && error.stack) return [error.stack];
  return [`error: ${message}`, 'Set AIM_DEBUG=1 to see where it happened.'];
}
