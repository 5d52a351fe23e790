import { isIdleAsteriskState } from './device-state';

/** Where a phone's do-not-disturb was read from. */
type DndSource = 'hint' | 'presence';

/**
 * Do-not-disturb set on the phone, by extension, from the two ways PBXs expose it: the custom
 * device state `Custom:DND<ext>` that DND feature codes set (FreePBX's *76/*78/*79 and the
 * like: BUSY while on, NOT_INUSE when off), and res_presence_state's `CustomPresence:<ext>`
 * with status `dnd`. Either one on means DND is on.
 */
export class DndStates {
  private readonly on = new Map<string, Set<DndSource>>();

  /** The extension a `Custom:DND<ext>` device names, or null for any other device. */
  static hintExtension(device: string): string | null {
    return /^custom:dnd(.+)$/i.exec(device.trim())?.[1] ?? null;
  }

  /** The extension a `CustomPresence:<ext>` presentity names, or null. */
  static presenceExtension(presentity: string): string | null {
    return /^custompresence:(.+)$/i.exec(presentity.trim())?.[1] ?? null;
  }

  /** Applies a DeviceStateChange of a DND hint; the hint's extension, or null when the device is no DND hint. */
  applyHint(device: string, state: string): string | null {
    const extension = DndStates.hintExtension(device);
    if (extension !== null) this.set(extension, 'hint', !isIdleAsteriskState(state));
    return extension;
  }

  /** Applies a PresenceStateChange; its extension, or null when the presentity is not a custom presence. */
  applyPresence(presentity: string, status: string): string | null {
    const extension = DndStates.presenceExtension(presentity);
    if (extension !== null) this.set(extension, 'presence', status.trim().toLowerCase() === 'dnd');
    return extension;
  }

  isOn(extension: string): boolean {
    return this.on.has(extension);
  }

  /** Before a resync: what the lists will report again. `presence` too unless the PBX cannot list presence states. */
  forget(sources: readonly DndSource[]): string[] {
    const cleared: string[] = [];
    for (const [extension, set] of this.on) {
      for (const source of sources) set.delete(source);
      if (set.size === 0) {
        this.on.delete(extension);
        cleared.push(extension);
      }
    }
    return cleared;
  }

  private set(extension: string, source: DndSource, on: boolean): void {
    const sources = this.on.get(extension) ?? new Set<DndSource>();
    if (on) sources.add(source);
    else sources.delete(source);
    if (sources.size > 0) this.on.set(extension, sources);
    else this.on.delete(extension);
  }
}
