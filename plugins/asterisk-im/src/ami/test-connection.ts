import { silentLogger } from '@asterisk-im/server-core';
import { resolveAmiLinkOptions, type AmiLinkOptions } from './ami-link-options';
import { AmiSession } from './ami-session';

export type TestConnectionResult = { ok: true; version: string } | { ok: false; error: string };

/**
 * One attempt, no reconnect: connect, log in, set the event mask, log off.
 * For the admin console's "test connection" button; the error text is safe
 * to show (it never contains the secret).
 */
export function testConnection(options: AmiLinkOptions): Promise<TestConnectionResult> {
  let session: AmiSession;
  try {
    session = new AmiSession(resolveAmiLinkOptions(options), options.logger ?? silentLogger());
  } catch (error) {
    return Promise.resolve({ ok: false, error: `invalid settings: ${error instanceof Error ? error.message : String(error)}` });
  }
  return new Promise((resolve) => {
    let version: string | undefined;
    session.on('ready', (announced) => {
      version = announced;
      void session.closeGracefully();
    });
    // A session closes exactly once, after the Logoff when the test succeeded.
    session.on('closed', (reason, error) => {
      resolve(version !== undefined ? { ok: true, version } : { ok: false, error: error ? error.message : reason });
    });
    session.open();
  });
}
