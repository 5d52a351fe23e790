import { Element } from 'ltx';
import { NS } from '../../xml';
import { IllFormedAnswer, MAX_FEATURES, capsHash, compareOctets, readDiscoInfo, verificationString } from './caps-verification';
import { advertisedCaps } from './advertised-caps';

const PROTOCOL = 'http://jabber.org/protocol';

function query(identities: Array<Record<string, string>>, features: string[], ...forms: Element[]): Element {
  const q = new Element('query', { xmlns: NS.DISCO_INFO });
  for (const identity of identities) q.c('identity', identity);
  for (const feature of features) q.c('feature', { var: feature });
  for (const form of forms) q.cnode(form);
  return q;
}

function form(fields: Array<[string, string[], string?]>): Element {
  const x = new Element('x', { xmlns: NS.DATA_FORMS, type: 'result' });
  for (const [name, values, type] of fields) {
    const field = x.c('field', type ? { var: name, type } : { var: name });
    for (const value of values) field.c('value').t(value);
  }
  return x;
}

const ver = (q: Element, hash = 'sha-1') => capsHash(hash, verificationString(readDiscoInfo(q)));

describe('XEP-0115 verification string', () => {
  test('the simple generation example', () => {
    const q = query([{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }], [`${PROTOCOL}/disco#info`, `${PROTOCOL}/disco#items`, `${PROTOCOL}/muc`, `${PROTOCOL}/caps`]);
    expect(ver(q)).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  test('the complex generation example: identities in two languages and a software form', () => {
    const q = query(
      [
        { 'xml:lang': 'en', category: 'client', name: 'Psi 0.11', type: 'pc' },
        { 'xml:lang': 'el', category: 'client', name: 'Ψ 0.11', type: 'pc' },
      ],
      [`${PROTOCOL}/caps`, `${PROTOCOL}/disco#info`, `${PROTOCOL}/disco#items`, `${PROTOCOL}/muc`],
      form([
        ['FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo'], 'hidden'],
        ['ip_version', ['ipv4', 'ipv6']],
        ['os', ['Mac']],
        ['os_version', ['10.5.1']],
        ['software', ['Psi']],
        ['software_version', ['0.11']],
      ]),
    );
    expect(ver(q)).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('the order of identities, features, forms, fields and values in the answer does not matter', () => {
    const forms = [form([['FORM_TYPE', ['urn:b'], 'hidden'], ['y', ['2', '1']], ['x', ['a']]]), form([['FORM_TYPE', ['urn:a'], 'hidden'], ['z', []]])];
    const one = query([{ category: 'client', type: 'pc' }, { category: 'client', type: 'bot' }], ['urn:f2', 'urn:f1'], ...forms);
    const other = query([{ category: 'client', type: 'bot' }, { category: 'client', type: 'pc' }], ['urn:f1', 'urn:f2'], ...[...forms].reverse());
    expect(verificationString(readDiscoInfo(one))).toBe('client/bot//<client/pc//<urn:f1<urn:f2<urn:a<z<urn:b<x<a<y<1<2<');
    expect(ver(one)).toBe(ver(other));
    expect(ver(one, 'sha-256')).toBe(ver(other, 'sha-256'));
    expect(ver(one, 'sha-256')).not.toBe(ver(one));
  });

  test('sorting is by UTF-8 octets, not UTF-16 code units', () => {
    // U+FB01 sorts after U+1F600 in UTF-16 (0xFB01 > 0xD83D) but before it in UTF-8 (EF < F0).
    expect(compareOctets('\uFB01', '\u{1F600}')).toBeLessThan(0);
    expect(verificationString(readDiscoInfo(query([], ['\u{1F600}', '\uFB01'])))).toBe('\uFB01<\u{1F600}<');
  });

  test('forms without a hidden FORM_TYPE are left out', () => {
    const plain = query([{ category: 'client', type: 'pc' }], ['urn:f']);
    const notHidden = query([{ category: 'client', type: 'pc' }], ['urn:f'], form([['FORM_TYPE', ['urn:x']], ['a', ['b']]]));
    const noFormType = query([{ category: 'client', type: 'pc' }], ['urn:f'], form([['a', ['b']]]));
    expect(ver(notHidden)).toBe(ver(plain));
    expect(ver(noFormType)).toBe(ver(plain));
  });

  test.each([
    ['a repeated identity', query([{ category: 'client', type: 'pc' }, { category: 'client', type: 'pc' }], [])],
    ['a repeated feature', query([], ['urn:f', 'urn:f'])],
    ['two forms of one FORM_TYPE', query([], [], form([['FORM_TYPE', ['urn:a'], 'hidden']]), form([['FORM_TYPE', ['urn:a'], 'hidden']]))],
    ['a FORM_TYPE with two values', query([], [], form([['FORM_TYPE', ['urn:a', 'urn:b'], 'hidden']]))],
    ['too many features', query([], Array.from({ length: MAX_FEATURES + 1 }, (_, i) => `urn:f${i}`))],
    ['too much text', query([], Array.from({ length: 100 }, (_, i) => `urn:${'x'.repeat(400)}${i}`))],
  ])('an answer with %s is ill-formed', (_what, q) => {
    expect(() => readDiscoInfo(q)).toThrow(IllFormedAnswer);
  });
});

describe('advertised caps', () => {
  const presence = (attrs: Record<string, string>) => new Element('presence').cnode(new Element('c', { xmlns: NS.CAPS, ...attrs })).root();

  test('a known hash names the ver for everyone; legacy caps and unknown hashes only the resource', () => {
    expect(advertisedCaps(presence({ hash: 'sha-1', node: 'urn:n', ver: 'V=' }), 'a@x/1')?.key).toBe(advertisedCaps(presence({ hash: 'sha-1', node: 'urn:other', ver: 'V=' }), 'b@x/2')?.key);
    const legacy = advertisedCaps(presence({ node: 'urn:n', ver: '1.0' }), 'a@x/1');
    expect(legacy?.hash).toBeUndefined();
    expect(legacy?.key).not.toBe(advertisedCaps(presence({ node: 'urn:n', ver: '1.0' }), 'b@x/2')?.key);
    expect(advertisedCaps(presence({ hash: 'md2', node: 'urn:n', ver: 'V=' }), 'a@x/1')?.hash).toBeUndefined();
    expect(advertisedCaps(presence({ hash: 'sha-1', ver: 'V=' }), 'a@x/1')).toBeUndefined();
    expect(advertisedCaps(new Element('presence'), 'a@x/1')).toBeUndefined();
  });
});
