/**
 * Signing in through the organisation's OpenID Connect provider: the gateway tells the console where to send
 * users, lets its page reach the provider's token endpoint and no other origin, and accepts the provider's ES256
 * access tokens by the key their `kid` names, with every other check of a token unchanged.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tx } from '@settlement/chaincode/dist/api';
import jwt from 'jsonwebtoken';
import { IdentityProvider } from '../../../gateway/src/oidc';
import { claimsFor, idpKeys, newKeyPair, startGateway, type TestGateway } from './harness';

describe('gateway sign-in through an OpenID Connect provider', () => {
  let provider: Server;
  let issuer = '';
  let gw: TestGateway;
  let keyFetches = 0;
  const signing = newKeyPair();
  let published = [{ kid: 'k1', key: signing.publicKey }];

  before(async () => {
    provider = createServer((req, res) => {
      const documents: Record<string, unknown> = {
        '/.well-known/openid-configuration': {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
        },
        '/jwks': {
          keys: published.map(({ kid, key }) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig' })),
        },
      };
      if (req.url === '/jwks') keyFetches++;
      const body = documents[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((done) => provider.listen(0, '127.0.0.1', done));
    issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    gw = await startGateway('hospital1', { oidc: { issuer, clientId: 'console', scope: 'openid' } });
    gw.ledger.on(Tx.listParticipants, () => []);
  });
  after(async () => {
    await gw.close();
    provider.close();
  });

  const token = (claims: Record<string, unknown>, key = signing.privateKey, kid = 'k1') =>
    jwt.sign(claimsFor('hospital1', { iss: issuer, ...claims }), key, { algorithm: 'ES256', keyid: kid });
  const status = async (bearer: string) => (await gw.call('/v1/participants', { token: bearer })).status;

  it("gives the console the provider's endpoints and lets its page reach the token endpoint only", async () => {
    const settings = await gw.call('/console/config.json', { token: null });
    expect(await settings.json()).to.deep.equal({
      oidc: {
        issuer,
        clientId: 'console',
        scope: 'openid',
        authorizationEndpoint: `${issuer}/auth`,
        tokenEndpoint: `${issuer}/token`,
      },
    });
    const page = await gw.call('/console/', { token: null });
    expect(page.headers.get('content-security-policy')).to.contain(`connect-src 'self' ${issuer};`);
  });

  it("accepts the provider's token by the key its kid names", async () => {
    expect(await status(token({}))).to.equal(200);
  });

  it('fetches the keys again for a kid not seen before and once they are old, at most once per interval', async () => {
    let clock = Date.now();
    const idp = new IdentityProvider(
      { issuer, clientId: 'console', scope: 'openid' },
      { warn: () => undefined },
      () => clock,
    );
    const rotated = newKeyPair();
    expect(await idp.key('k1')).to.not.equal(undefined);
    const fetched = keyFetches;
    published = [...published, { kid: 'k2', key: rotated.publicKey }];
    clock += 1000;
    expect(await idp.key('k2'), 'within the interval').to.equal(undefined);
    expect(keyFetches).to.equal(fetched);
    clock += 30_000;
    expect((await idp.key('k2'))?.equals(rotated.publicKey)).to.equal(true);
    expect(keyFetches).to.equal(fetched + 1);
    expect(await idp.key('k1'), 'known keys need no fetch').to.not.equal(undefined);
    expect(keyFetches).to.equal(fetched + 1);
    // The provider withdraws k1: once the keys are ten minutes old they are read again, and k1 is gone.
    published = published.filter(({ kid }) => kid !== 'k1');
    clock += 10 * 60_000 + 1;
    expect(await idp.key('k1'), 'a withdrawn key').to.equal(undefined);
    expect(keyFetches).to.equal(fetched + 2);
  });

  it('refuses a token naming the provider but signed otherwise, with an unknown kid, or for another audience', async () => {
    const fetched = keyFetches;
    // Signed with the gateway's development key, which verifies only tokens of JWT_ISSUER.
    expect(await status(token({ sub: 'dev-key' }, idpKeys.privateKey))).to.equal(401);
    // Unknown kids in a burst: the provider is asked again at most once per interval.
    for (const kid of ['x1', 'x2', 'x3'])
      expect(await status(token({ sub: kid }, signing.privateKey, kid))).to.equal(401);
    expect(keyFetches - fetched).to.be.at.most(1);
    expect(await status(token({ aud: 'another-gateway' }))).to.equal(401);
    expect(await status(token({ org: 'Hospital2MSP' }))).to.equal(401);
  });

  it('still accepts the development tokens of JWT_ISSUER', async () => {
    expect(
      await status(jwt.sign(claimsFor('hospital1'), idpKeys.privateKey, { algorithm: 'ES256' })),
    ).to.equal(200);
  });
});
