import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { deriveScramCredential } from './scram-credentials';
import type { ScramCredential, ScramHash, ScramMechanism } from './scram-credentials';
import { ScramServerExchange } from './scram-server';
import { encodeSaslName } from './scram-messages';

const ITERATIONS = 64;

/** A minimal SCRAM client, written from RFC 5802 independently of the server code. */
function scramClient(hash: ScramHash, username: string, password: string, options: { gs2?: string; nonce?: string } = {}) {
  const gs2 = options.gs2 ?? 'n,,';
  const clientNonce = options.nonce ?? randomBytes(12).toString('base64');
  const bare = `n=${encodeSaslName(username)},r=${clientNonce}`;
  let expectedServerSignature = '';
  return {
    first: Buffer.from(gs2 + bare),
    final(challenge: Buffer): Buffer {
      const serverFirst = challenge.toString();
      const attrs = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
      if (!attrs.r.startsWith(clientNonce)) throw new Error('server nonce does not extend the client nonce');
      const salted = pbkdf2Sync(password, Buffer.from(attrs.s, 'base64'), Number(attrs.i), hash === 'sha1' ? 20 : 32, hash);
      const clientKey = createHmac(hash, salted).update('Client Key').digest();
      const storedKey = createHash(hash).update(clientKey).digest();
      const withoutProof = `c=${Buffer.from(gs2).toString('base64')},r=${attrs.r}`;
      const authMessage = `${bare},${serverFirst},${withoutProof}`;
      const signature = createHmac(hash, storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
      const serverKey = createHmac(hash, salted).update('Server Key').digest();
      expectedServerSignature = createHmac(hash, serverKey).update(authMessage).digest('base64');
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
    },
    verify(success: Buffer): boolean {
      return success.toString() === `v=${expectedServerSignature}`;
    },
  };
}

function serverFor(mechanism: ScramMechanism, users: Record<string, ScramCredential>, extra: { domain?: string } = {}) {
  const looked: string[] = [];
  const server = new ScramServerExchange({
    mechanism,
    domain: extra.domain,
    decoyIterations: ITERATIONS,
    lookup: async (username) => {
      looked.push(username);
      return users[username];
    },
  });
  return { server, looked };
}

describe('SCRAM server against the RFC test vectors', () => {
  it.each([
    {
      rfc: 'RFC 5802 (SCRAM-SHA-1)',
      mechanism: 'SCRAM-SHA-1' as const,
      hash: 'sha1' as const,
      clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
      serverNonce: '3rfcNHYJY1ZVvWVs7j',
      salt: 'QSXCR+Q6sek8bf92',
      serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
      clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
      serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
    },
    {
      rfc: 'RFC 7677 (SCRAM-SHA-256)',
      mechanism: 'SCRAM-SHA-256' as const,
      hash: 'sha256' as const,
      clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
      serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    },
  ])('$rfc: user/pencil produces the published messages', async (vector) => {
    const credential = deriveScramCredential('pencil', vector.hash, 4096, Buffer.from(vector.salt, 'base64'));
    const server = new ScramServerExchange({
      mechanism: vector.mechanism,
      lookup: async (username) => (username === 'user' ? credential : undefined),
      createNonce: () => vector.serverNonce,
    });
    const first = await server.start(Buffer.from(vector.clientFirst));
    expect(first).toEqual({ challenge: Buffer.from(vector.serverFirst) });
    const final = server.finish(Buffer.from(vector.clientFinal));
    expect(final).toEqual({ success: Buffer.from(vector.serverFinal), username: 'user' });
  });
});

describe.each([
  ['SCRAM-SHA-1', 'sha1'],
  ['SCRAM-SHA-256', 'sha256'],
] as const)('%s exchange', (mechanism, hash) => {
  const users = { juliet: deriveScramCredential('r0meo, wherefore', hash, ITERATIONS) };

  it('authenticates a client with the right password and proves the server knew the key', async () => {
    const { server } = serverFor(mechanism, users);
    const client = scramClient(hash, 'juliet', 'r0meo, wherefore');
    const challenge = await server.start(client.first);
    if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
    const result = server.finish(client.final(challenge.challenge));
    if (!('success' in result)) throw new Error(`unexpected ${result.error}`);
    expect(result.username).toBe('juliet');
    expect(client.verify(result.success)).toBe(true);
  });

  it('refuses a wrong password with not-authorized', async () => {
    const { server } = serverFor(mechanism, users);
    const client = scramClient(hash, 'juliet', 'wrong');
    const challenge = await server.start(client.first);
    if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
    expect(server.finish(client.final(challenge.challenge))).toMatchObject({ error: 'not-authorized' });
  });

  it('answers an unknown user with a stable, plausible challenge and then not-authorized', async () => {
    const challenges: string[] = [];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { server } = serverFor(mechanism, users);
      const client = scramClient(hash, 'nobody', 'whatever');
      const challenge = await server.start(client.first);
      if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
      challenges.push(challenge.challenge.toString());
      expect(server.finish(client.final(challenge.challenge))).toEqual({ error: 'not-authorized' });
    }
    const salts = challenges.map((c) => /,s=([^,]+),i=(\d+)$/.exec(c));
    expect(salts[0]?.[1]).toBeDefined();
    expect(salts[0]?.[1]).toBe(salts[1]?.[1]);
    expect(Buffer.from(salts[0]![1], 'base64')).toHaveLength(16);
    expect(salts[0]?.[2]).toBe(String(ITERATIONS));
  });

  it('accepts the own bare JID as authzid and refuses anyone else', async () => {
    const own = serverFor(mechanism, users, { domain: 'example.com' });
    const ownClient = scramClient(hash, 'juliet', 'r0meo, wherefore', { gs2: 'n,a=juliet@example.com,' });
    const challenge = await own.server.start(ownClient.first);
    if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
    expect(own.server.finish(ownClient.final(challenge.challenge))).toMatchObject({ username: 'juliet' });

    const other = serverFor(mechanism, users, { domain: 'example.com' });
    const otherClient = scramClient(hash, 'juliet', 'r0meo, wherefore', { gs2: 'n,a=romeo@example.com,' });
    expect(await other.server.start(otherClient.first)).toMatchObject({ error: 'invalid-authzid' });
    expect(other.looked).toEqual([]);
  });

  it("accepts the 'y' flag and refuses channel binding requests ('p=')", async () => {
    const yes = serverFor(mechanism, users);
    const yClient = scramClient(hash, 'juliet', 'r0meo, wherefore', { gs2: 'y,,' });
    const challenge = await yes.server.start(yClient.first);
    if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
    expect(yes.server.finish(yClient.final(challenge.challenge))).toMatchObject({ username: 'juliet' });

    const { server } = serverFor(mechanism, users);
    expect(await server.start(Buffer.from('p=tls-exporter,,n=juliet,r=abc'))).toMatchObject({ error: 'invalid-mechanism' });
  });

  it('refuses a client-final whose gs2 header or nonce differs from the first message', async () => {
    const { server } = serverFor(mechanism, users);
    const client = scramClient(hash, 'juliet', 'r0meo, wherefore');
    const challenge = await server.start(client.first);
    if (!('challenge' in challenge)) throw new Error(`unexpected ${challenge.error}`);
    const tampered = client.final(challenge.challenge).toString().replace('c=biws', `c=${Buffer.from('y,,').toString('base64')}`);
    expect(server.finish(Buffer.from(tampered))).toMatchObject({ error: 'malformed-request' });

    const second = serverFor(mechanism, users);
    const again = await second.server.start(client.first);
    if (!('challenge' in again)) throw new Error(`unexpected ${again.error}`);
    const otherNonce = client.final(again.challenge).toString().replace(/,r=[^,]+/, ',r=forged');
    expect(second.server.finish(Buffer.from(otherNonce))).toMatchObject({ error: 'malformed-request' });
  });

  it.each([
    ['no gs2 header', 'n=juliet,r=abc'],
    ['unknown channel binding flag', 'x,,n=juliet,r=abc'],
    ['mandatory extension', 'n,,m=ext,n=juliet,r=abc'],
    ['bad saslname escape', 'n,,n=jul=iet,r=abc'],
    ['nonce with a comma-free but non-printable byte', 'n,,n=juliet,r=ab\u0001c'],
    ['missing nonce', 'n,,n=juliet'],
  ])('refuses a client-first with %s', async (_why, message) => {
    const { server, looked } = serverFor(mechanism, users);
    expect(await server.start(Buffer.from(message))).toMatchObject({ error: 'malformed-request' });
    expect(looked).toEqual([]);
  });

  it('refuses invalid UTF-8, oversize messages and steps out of order', async () => {
    expect(await serverFor(mechanism, users).server.start(Buffer.from([0x6e, 0x2c, 0x2c, 0xff]))).toMatchObject({ error: 'incorrect-encoding' });
    expect(await serverFor(mechanism, users).server.start(Buffer.alloc(5000, 0x61))).toMatchObject({ error: 'malformed-request' });
    expect(serverFor(mechanism, users).server.finish(Buffer.from('c=biws,r=x,p=AAAA'))).toMatchObject({ error: 'malformed-request' });

    const { server } = serverFor(mechanism, users);
    const client = scramClient(hash, 'juliet', 'r0meo, wherefore');
    await server.start(client.first);
    expect(await server.start(client.first)).toMatchObject({ error: 'malformed-request' });
  });

  it('reports temporary-auth-failure when the credential lookup fails', async () => {
    const server = new ScramServerExchange({
      mechanism,
      lookup: async () => {
        throw new Error('database down');
      },
    });
    expect(await server.start(scramClient(hash, 'juliet', 'x').first)).toEqual({
      error: 'temporary-auth-failure',
      text: 'credential lookup failed',
    });
  });
});
