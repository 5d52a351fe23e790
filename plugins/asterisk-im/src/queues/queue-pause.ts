import { AmiLinkError, type AmiLink } from '../ami';

export type QueuePauseResult = 'applied' | 'not-a-member' | 'failed';

/**
 * Pauses (or unpauses) a device in every queue it is a member of: `QueuePause`
 * without `Queue`. Asterisk answers "Interface not found" for a device that is in
 * no queue, which is an answer, not a failure.
 */
export async function setQueuePause(link: AmiLink, device: string, paused: boolean): Promise<QueuePauseResult> {
  try {
    await link.action({ Action: 'QueuePause', Interface: device, Paused: paused ? 'true' : 'false', Reason: paused ? 'not available in chat' : undefined });
    return 'applied';
  } catch (error) {
    if (error instanceof AmiLinkError && error.kind === 'action' && /interface not found/i.test(error.message)) return 'not-a-member';
    throw error;
  }
}
