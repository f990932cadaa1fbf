/**
 * The organisation's OpenID Connect provider, when one is configured: where the console sends its users to sign
 * in (authorisation code with PKCE), and the keys its access tokens are signed with. Both come from the issuer's
 * discovery document; they are fetched again when a token names a key not yet seen (a key rotation) and once
 * they are MAX_AGE_MS old (a key the provider withdrew stops being trusted), at most once per REFRESH_MS, so
 * tokens naming made-up keys cannot make the gateway hammer the provider.
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
const MAX_AGE_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/** An https URL, or http on this machine only (development), with no query or fragment. */
export function isProviderUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return (url.protocol === 'https:' || (url.protocol === 'http:' && local)) && !url.search && !url.hash;
  } catch {
    return false;
  }
}

export class IdentityProvider {
  private discovered?: Discovery;
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  /** When the keys and endpoints were last read successfully. */
  private fetchedAt = 0;
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
        const { authorization_endpoint, token_endpoint, jwks_uri } = discovery;
        for (const url of [authorization_endpoint, token_endpoint, jwks_uri])
          if (typeof url !== 'string' || !isProviderUrl(url))
            throw new Error(`the discovery document names an endpoint that is not https: ${String(url)}`);
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
        this.fetchedAt = this.now();
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
    if (!this.keys.has(kid) || this.stale()) await this.refresh();
    return this.keys.get(kid);
  }

  private stale(): boolean {
    return this.now() - this.fetchedAt > MAX_AGE_MS;
  }

  /** The console's sign-in settings, or undefined while the provider cannot be reached. */
  async settings(): Promise<OidcSettings | undefined> {
    if (!this.discovered || this.stale()) await this.refresh();
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
