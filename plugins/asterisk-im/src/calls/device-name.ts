/**
 * Device names as Asterisk spells them (`PJSIP/1001`). The technology part is
 * case-insensitive in Asterisk and admins type it either way, so it is compared
 * upper-cased; the resource part is case-sensitive and kept as is.
 */
export function normaliseDeviceName(device: string): string {
  const slash = device.indexOf('/');
  if (slash <= 0) return device.trim();
  return device.slice(0, slash).trim().toUpperCase() + device.slice(slash).trim();
}

/**
 * The device a channel belongs to, cutting the channel name at its last `-`
 * (`PJSIP/1001-0000000a` -> `PJSIP/1001`). Returns null for channels that are
 * not phones: `Local/…;1` and `;2` halves, and names without a sequence suffix.
 */
export function deviceOfChannel(channel: string): string | null {
  if (/^local\//i.test(channel)) return null;
  const dash = channel.lastIndexOf('-');
  const slash = channel.indexOf('/');
  if (slash <= 0 || dash <= slash + 1) return null;
  return normaliseDeviceName(channel.slice(0, dash));
}
