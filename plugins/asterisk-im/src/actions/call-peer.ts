import { amiField, type AmiEvent } from '../ami';
import { deviceOfChannel } from '../calls';

export interface LiveChannel {
  channel: string;
  uniqueid: string;
  linkedid: string;
  bridgeId: string;
  /** `PJSIP/1001`, or null for Local halves and other non-phones. */
  device: string | null;
}

/** The fields of a `CoreShowChannel` item that forwarding needs; items without a name or id are skipped. */
export function liveChannels(items: readonly AmiEvent[]): LiveChannel[] {
  const channels: LiveChannel[] = [];
  for (const item of items) {
    const channel = amiField(item, 'Channel');
    const uniqueid = amiField(item, 'Uniqueid');
    if (!channel || !uniqueid) continue;
    channels.push({
      channel,
      uniqueid,
      linkedid: amiField(item, 'Linkedid') ?? uniqueid,
      bridgeId: amiField(item, 'BridgeId') ?? '',
      device: deviceOfChannel(channel),
    });
  }
  return channels;
}

/**
 * The other party of the user's call: the channel bridged with it when the call
 * is up, otherwise the real (non-Local) channel of the same call (same
 * Linkedid) that is not the user's, such as the caller of a ringing call.
 * Forwarding redirects that channel, so the caller reaches the new number.
 */
export function findCallPeer(channels: readonly LiveChannel[], own: LiveChannel): LiveChannel | undefined {
  const others = channels.filter((c) => c.uniqueid !== own.uniqueid && c.device !== null);
  if (own.bridgeId) {
    const bridged = others.find((c) => c.bridgeId === own.bridgeId);
    if (bridged) return bridged;
  }
  return others.find((c) => c.linkedid === own.linkedid);
}
