/**
 * Signing in through the organisation's OpenID Connect provider: the authorisation-code flow with PKCE (RFC 7636)
 * for a public client, the provider's endpoints as the gateway gives them (GET /console/config.json). Only the
 * state and the code verifier cross the redirect, in sessionStorage, and are removed on return; the access
 * token is held in memory like a pasted one, and the code is taken out of the address bar at once.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scope: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

const PENDING = 'console-sign-in';

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** Where the provider sends the user back: the console's page, however it was entered (/console, /console/). */
const redirectUri = (): string => `${location.origin}${import.meta.env.BASE_URL}`;

/** The provider the gateway names, or undefined when it names none (or cannot reach it). */
export async function oidcSettings(): Promise<OidcSettings | undefined> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { oidc: OidcSettings | null }).oidc ?? undefined;
}

/** Sends the user to the provider's sign-in page. */
export async function startSignIn(settings: OidcSettings): Promise<void> {
  const state = random();
  const verifier = random();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
  const url = new URL(settings.authorizationEndpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scope,
    state,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(name, value);
  location.assign(url.toString());
}

/**
 * When this page is the provider's answer (a code, or an error): the access token for the code. Undefined when
 * it is not; throws, saying why, when the answer is an error or not one to a sign-in started in this tab.
 */
export async function finishSignIn(settings: OidcSettings | undefined): Promise<string | undefined> {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? '{}') as {
    state?: string;
    verifier?: string;
  };
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  // The state ties the answer to this tab's request (checked before the answer's own words are shown, which a
  // crafted link could otherwise put on this page); the issuer, when given (RFC 9207), to the provider asked.
  const issuer = answer.get('iss');
  if (!settings || !pending.state || !pending.verifier || answer.get('state') !== pending.state)
    throw new Error('the answer does not belong to a sign-in started here');
  if (answer.has('error')) throw new Error(answer.get('error_description') ?? answer.get('error') ?? '');
  if (issuer !== null && issuer !== settings.issuer) throw new Error(`the answer comes from ${issuer}`);
  const response = await fetch(settings.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: answer.get('code') ?? '',
      redirect_uri: redirectUri(),
      client_id: settings.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string')
    throw new Error(
      String(body.error_description ?? body.error ?? `the provider answered ${response.status}`),
    );
  return body.access_token;
}
