import { matchesBlocklist } from './blocked-jid-match';

describe('blocklist JID matching', () => {
  test('a bare JID item blocks that account from any of its resources', () => {
    expect(matchesBlocklist(['eve@evil.example'], 'eve@evil.example/phone')).toBe(true);
    expect(matchesBlocklist(['eve@evil.example'], 'eve@evil.example')).toBe(true);
    expect(matchesBlocklist(['eve@evil.example'], 'bob@evil.example/phone')).toBe(false);
  });

  test('a full JID item blocks only that resource', () => {
    expect(matchesBlocklist(['eve@evil.example/laptop'], 'eve@evil.example/laptop')).toBe(true);
    expect(matchesBlocklist(['eve@evil.example/laptop'], 'eve@evil.example/phone')).toBe(false);
    expect(matchesBlocklist(['eve@evil.example/laptop'], 'eve@evil.example')).toBe(false);
  });

  test('a domain item blocks everyone at that domain, a domain/resource item that resource', () => {
    expect(matchesBlocklist(['evil.example'], 'anyone@evil.example/x')).toBe(true);
    expect(matchesBlocklist(['evil.example'], 'evil.example')).toBe(true);
    expect(matchesBlocklist(['evil.example'], 'anyone@good.example')).toBe(false);
    expect(matchesBlocklist(['evil.example/bot'], 'evil.example/bot')).toBe(true);
    expect(matchesBlocklist(['evil.example/bot'], 'eve@evil.example/bot')).toBe(true);
  });

  test('matching is case-insensitive on the account and domain', () => {
    expect(matchesBlocklist(['eve@evil.example'], 'EVE@Evil.Example/Phone')).toBe(true);
  });
});
