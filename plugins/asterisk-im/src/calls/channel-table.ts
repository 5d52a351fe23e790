import type { TrackedChannel } from './tracked-channel';

/**
 * The channels the tracker follows, by Uniqueid and by device. Every AMI event asks for the
 * channels of one device, so that lookup must not grow with the number of calls on the PBX.
 */
export class ChannelTable {
  private readonly byId = new Map<string, TrackedChannel>();
  private readonly byDevice = new Map<string, Set<TrackedChannel>>();

  get(uniqueid: string): TrackedChannel | undefined {
    return this.byId.get(uniqueid);
  }

  set(tracked: TrackedChannel): void {
    this.delete(tracked.uniqueid);
    this.byId.set(tracked.uniqueid, tracked);
    let ofDevice = this.byDevice.get(tracked.device);
    if (!ofDevice) this.byDevice.set(tracked.device, (ofDevice = new Set()));
    ofDevice.add(tracked);
  }

  delete(uniqueid: string): void {
    const tracked = this.byId.get(uniqueid);
    if (!tracked) return;
    this.byId.delete(uniqueid);
    const ofDevice = this.byDevice.get(tracked.device);
    ofDevice?.delete(tracked);
    if (ofDevice?.size === 0) this.byDevice.delete(tracked.device);
  }

  clear(): void {
    this.byId.clear();
    this.byDevice.clear();
  }

  /** Channels of one device, oldest first; a copy, so callers may hang them up while iterating. */
  ofDevice(device: string): TrackedChannel[] {
    const ofDevice = this.byDevice.get(device);
    return ofDevice ? [...ofDevice] : [];
  }

  values(): IterableIterator<TrackedChannel> {
    return this.byId.values();
  }

  /** A copy of the table by Uniqueid. */
  snapshot(): Map<string, TrackedChannel> {
    return new Map(this.byId);
  }
}
