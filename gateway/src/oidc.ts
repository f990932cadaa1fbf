/**
 * The organisation's OpenID Connect provider, when one is configured: where the console sends its users to sign
 * in (authorisation code with PKCE), and the keys its access tokens are signed with. Both come from the issuer's
 * discovery document; keys are fetched again when a token names a key not yet seen (a key rotation), at most
 * once per REFRESH_MS, so tokens naming made-up keys cannot make the gateway hammer the provider.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';

export interface OidcConfig {
  issuer: string;
  /** The console's public client id at the provider. */
  clientId: string;
  scope: string;
}

/** What the console needs to start the flow (GET /console/config.json). */
export interface OidcSettings extends OidcConfig {
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

const REFRESH_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

export class IdentityProvider {
  private discovered?: Discovery;
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  private fetching?: Promise<void>;

  constructor(
    readonly config: OidcConfig,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly now = () => Date.now(),
  ) {}

  private async json<T>(url: string): Promise<T> {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return (await response.json()) as T;
  }

  /** Reads the discovery document and the keys again; one fetch at a time, at most once per REFRESH_MS. */
  private refresh(): Promise<void> {
    if (this.fetching || this.now() - this.lastFetch < REFRESH_MS) return this.fetching ?? Promise.resolve();
    this.lastFetch = this.now();
    this.fetching = (async () => {
      try {
        const discovery = await this.json<Discovery>(
          `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        );
        // The document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
        if (discovery.issuer !== this.config.issuer)
          throw new Error(`the discovery document names issuer ${discovery.issuer}`);
        const { keys } = await this.json<{ keys: (JsonWebKey & { kid?: string; use?: string })[] }>(
          discovery.jwks_uri,
        );
        const usable = new Map<string, KeyObject>();
        // ES256 only, as for every token the gateway accepts: P-256 signing keys with an id.
        for (const jwk of keys ?? [])
          if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.kid && (jwk.use ?? 'sig') === 'sig')
            usable.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
        this.discovered = discovery;
        this.keys = usable;
      } catch (error) {
        this.log.warn(
          { issuer: this.config.issuer, err: (error as Error).message },
          'identity provider unreachable',
        );
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  /** The provider's signing key `kid`, or undefined when it has none such. */
  async key(kid: string | undefined): Promise<KeyObject | undefined> {
    if (kid === undefined) return undefined;
    if (!this.keys.has(kid)) await this.refresh();
    return this.keys.get(kid);
  }

  /** The console's sign-in settings, or undefined while the provider cannot be reached. */
  async settings(): Promise<OidcSettings | undefined> {
    if (!this.discovered) await this.refresh();
    const found = this.discovered;
    return (
      found && {
        ...this.config,
        authorizationEndpoint: found.authorization_endpoint,
        tokenEndpoint: found.token_endpoint,
      }
    );
  }

  /** Origins the console's page may fetch from besides its gateway: the token endpoint's, once known. */
  connectOrigins(): string[] {
    return this.discovered ? [new URL(this.discovered.token_endpoint).origin] : [];
  }
}
