import { authzidAllowed } from './authzid';
import { parsePlainMessage } from './plain';
import { saslPrep } from './scram-credentials';

describe('PLAIN message parsing', () => {
  it('splits authzid, authcid and password', () => {
    expect(parsePlainMessage(Buffer.from('juliet@example.com\u0000juliet\u0000s3cr3t'))).toEqual({
      authzid: 'juliet@example.com',
      authcid: 'juliet',
      password: 's3cr3t',
    });
  });

  it('treats an empty authzid as absent', () => {
    expect(parsePlainMessage(Buffer.from('\u0000juliet\u0000pässwörd'))).toEqual({ authzid: undefined, authcid: 'juliet', password: 'pässwörd' });
  });

  it.each([
    ['too few fields', 'juliet\u0000secret'],
    ['too many fields', '\u0000juliet\u0000se\u0000cret'],
    ['empty authcid', '\u0000\u0000secret'],
    ['empty password', '\u0000juliet\u0000'],
    ['oversize field', `\u0000juliet\u0000${'x'.repeat(2000)}`],
  ])('refuses %s as malformed-request', (_why, message) => {
    expect(parsePlainMessage(Buffer.from(message))).toMatchObject({ error: 'malformed-request' });
  });

  it('refuses invalid UTF-8 as incorrect-encoding', () => {
    expect(parsePlainMessage(Buffer.from([0, 0x6a, 0, 0xc3]))).toMatchObject({ error: 'incorrect-encoding' });
  });
});

describe('authorization identity rule', () => {
  it('allows no authzid or the own bare JID only', () => {
    expect(authzidAllowed(undefined, 'juliet', 'example.com')).toBe(true);
    expect(authzidAllowed('Juliet@Example.com', 'juliet', 'example.com')).toBe(true);
    expect(authzidAllowed('romeo@example.com', 'juliet', 'example.com')).toBe(false);
    expect(authzidAllowed('juliet@example.com', 'juliet', undefined)).toBe(false);
  });
});

describe('SASLprep approximation', () => {
  it('maps compatibility characters with NFKC', () => {
    expect(saslPrep('\u2168')).toBe('IX');
    expect(saslPrep('e\u0301')).toBe('\u00e9');
  });
});
