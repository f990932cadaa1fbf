/**
 * A small OpenID Connect provider for the sign-in tests (oidc-provider, in this process): its own sign-in and
 * consent pages (any password), one public client (the console), ES256 access tokens as JWTs for the gateway's
 * audience carrying each account's organisation and role.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../gateway/harness';

export const CLIENT_ID = 'settlement-console';
/** The API scope the console asks for besides openid; the gateway is its resource server. */
export const API_SCOPE = 'settlement';

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startIdentityProvider(options: {
  redirectUri: string;
  audience: string;
  accounts: Record<string, { org: string; role: string }>;
}): Promise<TestProvider> {
  const { accounts } = options;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  // The issuer names the port: chosen before the provider is made.
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [{ ...key, kid: 'test-key', alg: 'ES256', use: 'sig' }] },
    findAccount: (_ctx, id) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    extraTokenClaims: (_ctx, token) => ('accountId' in token ? accounts[String(token.accountId)] : undefined),
    ttl: { AccessToken: 600, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:settlement:gateway',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: API_SCOPE,
          audience: options.audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const server: Server = provider.listen(port);
  await new Promise<void>((done) => server.once('listening', () => done()));
  return {
    issuer,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
