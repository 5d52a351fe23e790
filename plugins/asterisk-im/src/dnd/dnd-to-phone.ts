import type { AmiLink } from '../ami';
import type { AsteriskImRuntime, UserPresenceChange } from '../runtime';

/** The custom device state DND feature codes keep per extension (FreePBX's *76/*78/*79). */
export function dndHint(extension: string): string {
  return `Custom:DND${extension}`;
}

/** Sets or clears the phone's DND the way its feature code does: `Set(DEVICE_STATE(Custom:DND<ext>)=BUSY|NOT_INUSE)`. */
export async function setPhoneDnd(link: AmiLink, extension: string, on: boolean): Promise<void> {
  await link.action({ Action: 'Setvar', Variable: `DEVICE_STATE(${dndHint(extension)})`, Value: on ? 'BUSY' : 'NOT_INUSE' });
}

/**
 * With the `dndToPhone` setting on, a user who chooses do-not-disturb in chat (no session
 * available, one saying dnd) gets DND on every phone of theirs, and loses it when they come
 * back. Only changes the senior sees are sent: what users chose before it started is the
 * baseline, so a DND set on a phone is never cleared because someone was simply online.
 * No loop: DND on the phone never changes what the user chose in chat (it changes only what
 * contacts see, and a user whose own choice is dnd is shown as such).
 */
export class DndToPhone {
  /** The last chat DND seen per user; the first sighting is the baseline. */
  private readonly chose = new Map<string, boolean>();
  /** One chain of AMI actions per extension, so a quick on/off never arrives reordered. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly runtime: AsteriskImRuntime) {}

  onUserPresence(change: UserPresenceChange): void {
    const before = this.chose.get(change.user);
    this.chose.set(change.user, change.dnd);
    if (before === undefined || before === change.dnd) return;
    if (!this.runtime.settings().dndToPhone || !this.runtime.ctx.cluster.isSenior()) return;
    for (const device of this.runtime.store.devices.ofUser(change.user)) {
      if (device.monitored) this.send(device.server, device.extension, change.dnd);
    }
  }

  private send(server: string, extension: string, on: boolean): void {
    const key = `${server}/${extension}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.apply(server, extension, on));
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async apply(server: string, extension: string, on: boolean): Promise<void> {
    const { ctx, links } = this.runtime;
    const link = links.linkFor(server);
    if (!link || link.state !== 'connected' || !ctx.cluster.isSenior()) {
      ctx.logger.warn({ server, extension, on }, 'phone DND not changed: no AMI link to its server');
      return;
    }
    try {
      await setPhoneDnd(link, extension, on);
      ctx.logger.info({ server, extension, on }, 'phone DND follows chat dnd');
    } catch (err) {
      ctx.logger.warn({ err, server, extension, on }, 'could not change the phone DND');
    }
  }
}
