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

export async function startProsody(dir: string, domain: string, port: number): Promise<ServerProcess> {
  const prosody = await startPrivateProsody({ dir, domain, c2sPort: port });
  return processStats(prosody.child);
}
