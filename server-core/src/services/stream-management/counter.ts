/**
 * XEP-0198 counters are unsigned 32-bit integers that wrap to 0 after 2^32 - 1. Inside the
 * server counts are plain numbers that never wrap (2^53 stanzas is out of reach); only what
 * goes on the wire, and what comes from it, is reduced modulo 2^32.
 */
export const UINT32 = 2 ** 32;

/** The wire form of a count. */
export function wire(count: number): number {
  return count % UINT32;
}

/** How far `h` (from the wire) is ahead of `count`, modulo 2^32: 0 ... 2^32 - 1. */
export function ahead(h: number, count: number): number {
  return (h - wire(count) + UINT32) % UINT32;
}

/** `h` as the XEP allows it (an integer 0 ... 2^32 - 1), or undefined. */
export function parseH(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const h = Number(text);
  return h < UINT32 ? h : undefined;
}
