import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import jwt from 'jsonwebtoken';
import { TokenVerifier } from '../../../gateway/src/auth';
import {
  claimsFor,
  idpKeys,
  newKeyPair,
  problemOf,
  sign,
  startGateway,
  TestGateway,
  testConfig,
  testMembership,
} from './harness';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('gateway authentication', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway('hospital1');
    gw.ledger.on(Tx.listParticipants, () => []);
  });
  after(() => gw.close());

  const valid = () => sign(claimsFor('hospital1'));
  const now = () => Math.floor(Date.now() / 1000);

  const attacks: Record<string, () => string | null> = {
    'no token': () => null,
    'not a JWT': () => 'garbage',
    'alg none': () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsFor('hospital1'))}.`,
    'tampered payload': () => {
      const [header, , signature] = valid().split('.');
      return `${header}.${base64url(claimsFor('hospital1', { sub: 'mallory' }))}.${signature}`;
    },
    'wrong key': () => sign(claimsFor('hospital1'), newKeyPair().privateKey),
    'HS256 forged with the public key as secret': () =>
      jwt.sign(claimsFor('hospital1'), idpKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string, {
        algorithm: 'HS256',
      }),
    expired: () => sign(claimsFor('hospital1', { iat: now() - 1200, exp: now() - 600 })),
    'no exp': () => sign(claimsFor('hospital1', { exp: undefined })),
    "another organisation's token": () => sign(claimsFor('hospital2')),
    'wrong issuer': () => sign(claimsFor('hospital1', { iss: 'evil-idp' })),
    'wrong audience': () => sign(claimsFor('hospital1', { aud: 'other-gateway' })),
    'no subject': () => sign(claimsFor('hospital1', { sub: undefined })),
    'not yet valid': () => sign(claimsFor('hospital1', { nbf: now() + 600 })),
    'no iat': () => {
      const { iat, ...claims } = claimsFor('hospital1');
      expect(iat).to.be.a('number');
      return jwt.sign(claims, idpKeys.privateKey, { algorithm: 'ES256', noTimestamp: true });
    },
    'a lifetime over JWT_MAX_TTL_SECONDS': () => sign(claimsFor('hospital1', { exp: now() + 86401 })),
    'issued in the future': () => sign(claimsFor('hospital1', { iat: now() + 60, exp: now() + 600 })),
    'expired beyond the clock tolerance': () =>
      sign(claimsFor('hospital1', { iat: now() - 600, exp: now() - 6 })),
    'a subject with whitespace': () => sign(claimsFor('hospital1', { sub: 'ann smith' })),
    'a subject with a control character': () => sign(claimsFor('hospital1', { sub: 'ann\u0007' })),
    'a subject with a bidirectional override': () => sign(claimsFor('hospital1', { sub: 'ann\u202eteg' })),
    'a subject with a zero-width space': () => sign(claimsFor('hospital1', { sub: 'an\u200bn' })),
    'a subject with a look-alike letter': () => sign(claimsFor('hospital1', { sub: '\u0430nn' })),
    'a subject that is an e-mail address': () => sign(claimsFor('hospital1', { sub: 'ann@example.com' })),
    'a subject over 128 characters': () => sign(claimsFor('hospital1', { sub: 'a'.repeat(129) })),
    'a subject that is not a string': () => sign(claimsFor('hospital1', { sub: 42 })),
  };

  for (const [name, token] of Object.entries(attacks)) {
    it(`answers 401 problem+json for ${name}`, async () => {
      const res = await gw.call('/v1/participants', { token: token() });
      expect(res.status).to.equal(401);
      const problem = await problemOf(res);
      expect(problem).to.include({ status: 401, code: 'UNAUTHENTICATED' });
    });
  }

  it('does not call the ledger for a rejected token', async () => {
    const before = gw.ledger.calls.length;
    await gw.call('/v1/participants', { token: attacks['wrong key']() as string });
    expect(gw.ledger.calls.length).to.equal(before);
  });

  it('rejects a scheme other than Bearer', async () => {
    const res = await gw.call('/v1/participants', { headers: { authorization: `Basic ${valid()}` } });
    expect(res.status).to.equal(401);
  });

  it('accepts a valid token', async () => {
    const res = await gw.call('/v1/participants', { token: valid() });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ items: [] });
  });

  it('accepts the longest lifetime, a subject of 128 characters and clocks a few seconds apart', async () => {
    const tokens = [
      sign(claimsFor('hospital1', { exp: now() + 86400 })),
      sign(claimsFor('hospital1', { sub: `${'e'.repeat(127)}x` })),
      sign(claimsFor('hospital1', { iat: now() - 600, exp: now() - 2 })),
      sign(claimsFor('hospital1', { iat: now() + 2 })),
    ];
    for (const token of tokens) expect((await gw.call('/v1/participants', { token })).status).to.equal(200);
  });

  it('answers 401 for a token without a role, or with one this kind of organisation does not have', async () => {
    for (const role of ['auditor', undefined]) {
      const res = await gw.call('/v1/participants', { token: sign(claimsFor('hospital1', { role })) });
      expect(res.status, String(role)).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer /);
      expect(await problemOf(res)).to.include({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers 403 when the role may not use the route, before touching the ledger', async () => {
    const before = gw.ledger.calls.length;
    const res = await gw.call('/v1/audit/alerts');
    expect(res.status).to.equal(403);
    expect(await problemOf(res)).to.include({ code: 'FORBIDDEN' });
    expect(gw.ledger.calls.length).to.equal(before);
  });

  it('answers 403 to a clerk publishing a product and to an adjuster submitting a settlement', async () => {
    const insurer = await startGateway('insurer1');
    try {
      expect((await gw.call('/v1/products', { method: 'POST', json: {} })).status).to.equal(403);
      expect((await insurer.call('/v1/settlements', { method: 'POST', json: {} })).status).to.equal(403);
    } finally {
      await insurer.close();
    }
  });
});

describe('gateway token verification cache', () => {
  const config = testConfig('hospital1');
  const tolerance = config.jwt.clockToleranceSeconds;
  const now = () => Math.floor(Date.now() / 1000);
  const refused = (verifying: Promise<unknown>, message: string) =>
    verifying.then(
      () => expect.fail(`accepted; expected "${message}"`),
      (error: Error) => expect(error.message).to.equal(message),
    );

  it('answers a token it verified before from memory until its expiry, then rejects it', async () => {
    let clock = now();
    const verifier = new TokenVerifier(config, testMembership('hospital1'), undefined, 10, () => clock);
    const exp = now() + 60;
    const token = sign(claimsFor('hospital1', { exp }));
    const principal = await verifier.verify(token);
    expect(principal).to.deep.include({ org: 'Hospital1MSP', role: 'clerk', expiresAt: exp });
    clock = exp + tolerance - 1;
    expect(await verifier.verify(token)).to.equal(principal);
    clock = exp + tolerance;
    await refused(verifier.verify(token), 'token expired');
    expect(verifier.size).to.equal(0);
  });

  it('does not remember rejected tokens', async () => {
    const verifier = new TokenVerifier(config, testMembership('hospital1'), undefined, 10);
    const forged = sign(claimsFor('hospital1'), newKeyPair().privateKey);
    for (let i = 0; i < 2; i++) await refused(verifier.verify(forged), 'invalid token');
    const [header, , signature] = sign(claimsFor('hospital1')).split('.');
    const tampered = `${header}.${base64url(claimsFor('hospital1', { sub: 'mallory' }))}.${signature}`;
    await refused(verifier.verify(tampered), 'invalid token');
    expect(verifier.size).to.equal(0);
  });

  it('keeps at most its limit, dropping the oldest first', async () => {
    let clock = now();
    const verifier = new TokenVerifier(config, testMembership('hospital1'), undefined, 2, () => clock);
    const exp = now() + 60;
    const tokens = ['a', 'b', 'c'].map((sub) => sign(claimsFor('hospital1', { sub, exp })));
    for (const token of tokens) await verifier.verify(token);
    expect(verifier.size).to.equal(2);
    // Past their expiry on the verifier's clock only: the two remembered ones are refused from memory, and the
    // dropped one is verified afresh (jwt.verify reads the real clock), so it is still accepted.
    clock = exp + tolerance;
    await refused(verifier.verify(tokens[2]), 'token expired');
    await refused(verifier.verify(tokens[1]), 'token expired');
    expect((await verifier.verify(tokens[0])).sub).to.equal('a');
  });

  it('drops the least recently used token, not a token still in use', async () => {
    let clock = now();
    const verifier = new TokenVerifier(config, testMembership('hospital1'), undefined, 2, () => clock);
    const exp = now() + 60;
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => sign(claimsFor('hospital1', { sub, exp })));
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a);
    await verifier.verify(c);
    // Only a remembered token is refused on the verifier's clock: a was kept, b was dropped.
    clock = exp + tolerance;
    await refused(verifier.verify(a), 'token expired');
    expect((await verifier.verify(b)).sub).to.equal('b');
  });
});
