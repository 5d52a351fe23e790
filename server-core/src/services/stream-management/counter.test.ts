import { UINT32, ahead, parseH, wire } from './counter';

describe('XEP-0198 counters', () => {
  test('go on the wire modulo 2^32', () => {
    expect(wire(0)).toBe(0);
    expect(wire(UINT32 - 1)).toBe(4294967295);
    expect(wire(UINT32)).toBe(0);
    expect(wire(UINT32 + 5)).toBe(5);
  });

  test('an acknowledgement across the wrap counts the stanzas in between', () => {
    // 2^32 - 2 acknowledged so far; the client now says h = 1: three more (2^32 - 1, 0, 1).
    expect(ahead(1, UINT32 - 2)).toBe(3);
    expect(ahead(4294967295, UINT32 - 2)).toBe(1);
    expect(ahead(7, 7)).toBe(0);
    expect(ahead(7, UINT32 + 7)).toBe(0);
    // An h behind the last one reads as almost 2^32 ahead, which no queue holds: refused as too high.
    expect(ahead(5, 6)).toBe(UINT32 - 1);
  });

  test('h is an unsigned 32-bit decimal integer', () => {
    expect(parseH('0')).toBe(0);
    expect(parseH('4294967295')).toBe(4294967295);
    expect(parseH('4294967296')).toBeUndefined();
    expect(parseH('-1')).toBeUndefined();
    expect(parseH('1e3')).toBeUndefined();
    expect(parseH('')).toBeUndefined();
    expect(parseH(undefined)).toBeUndefined();
  });
});
