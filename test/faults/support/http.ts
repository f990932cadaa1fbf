/**
 * Calling the fault instance's gateways as their users: development tokens signed with each organisation's
 * key under <run dir>/gateway/keys, JSON in and out, and network failures reported as status 0 so that a test
 * can count them (a killed gateway refuses connections) instead of crashing.
 */
import { readFileSync } from 'node:fs';
import { ROLE_OF_KIND, Role } from '../../../gateway/src/membership';
import { keyDir, keyFiles } from '../../../network/profiles/dev-keys';
import { mintToken } from '../../../network/profiles/token';
import { gatewayUrl, infoOf, OrgId } from './gateways';
import { RUN_DIR } from './instance';

export function privateKeyOf(org: OrgId): string {
  return readFileSync(keyFiles(keyDir(RUN_DIR), { id: org }).privateKey, 'utf8');
}

export function tokenFor(
  org: OrgId,
  options: { role?: Role; sub?: string; ttlSeconds?: number } = {},
): string {
  const info = infoOf(org);
  return mintToken(privateKeyOf(org), {
    org: info,
    role: options.role ?? ROLE_OF_KIND[info.kind],
    sub: options.sub ?? `faults-${org}`,
    ttlSeconds: options.ttlSeconds ?? 3600,
  });
}

export interface Answer {
  /** HTTP status, or 0 when no answer came (connection refused or reset, or the time limit passed). */
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read what bodies contain
  body: any;
  /** How long the call took, in milliseconds. */
  ms: number;
}

/** Calls a gateway as one of its users, or with the token given, or with none when token is null. */
export async function call(
  org: OrgId,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
  token: string | null = tokenFor(org),
  timeoutMs = 60_000,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  try {
    const res = await fetch(gatewayUrl(org) + path, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
  } catch (error) {
    return { status: 0, body: { error: (error as Error).message }, ms: Date.now() - started };
  }
}

/** Answers worth retrying: no answer, ledger unavailable, commit outcome unknown. */
export const RETRYABLE = new Set([0, 502, 503, 504]);

/**
 * An idempotent write sent again while its answer says to retry, for at most `retryForMs`, as a client of the
 * API would: the answer that ended it is returned.
 */
export async function writeRetrying(
  org: OrgId,
  path: string,
  json: unknown,
  retryForMs = 30_000,
): Promise<Answer> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    const answer = await call(org, 'POST', path, json);
    if (!RETRYABLE.has(answer.status) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
