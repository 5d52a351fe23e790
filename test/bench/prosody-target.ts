/**
 * Prosody (Debian's package) under the same load, for side-by-side figures: accounts and
 * rosters are written straight into its data folder in its own format, with SCRAM-SHA-1
 * hashed passwords at the same iteration count we use, so a PLAIN login costs both servers
 * one key stretch. The private instance itself comes from test/support/prosody.ts.
 */
import type { ServerProcess } from './server-process';
import { processStats } from './server-process';
import { startProsody as startPrivateProsody } from '../support/prosody';
import { PROSODY } from '../support/test-tools';

export { provisionProsody } from '../support/prosody';

export const PROSODY_BINARY = PROSODY;

export interface ProsodyOptions {
  /**
   * Serves multi-user chat at conference.<domain> (Prosody's own mod_muc): temporary rooms,
   * history of 20 messages kept in memory, no occupant limit, as our defaults for a temporary room.
   */
  muc?: boolean;
}

export async function startProsody(dir: string, domain: string, port: number, options: ProsodyOptions = {}): Promise<ServerProcess> {
  const components = options.muc ? [{ domain: `conference.${domain}`, module: 'muc', options: { muc_room_default_history_length: 20, muc_room_default_persistent: false } }] : [];
  const prosody = await startPrivateProsody({ dir, domain, c2sPort: port, components });
  return processStats(prosody.child);
}
