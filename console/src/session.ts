/** Who is signed in, read from the token's claims; the gateway checks the signature on every call. */

export type Role = 'clerk' | 'adjuster' | 'auditor';

export interface Session {
  token: string;
  /** This gateway's organisation (MSP ID). */
  org: string;
  role: Role;
  sub: string;
  /** Seconds since the epoch. */
  exp: number;
}

const ROLES: readonly string[] = ['clerk', 'adjuster', 'auditor'];

function base64UrlJson(part: string): unknown {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
    c.charCodeAt(0),
  );
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The session a token describes, or undefined when it is not a JWT naming org, role, sub and a future exp. */
export function sessionOf(token: string, nowSeconds = Date.now() / 1000): Session | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = base64UrlJson(parts[1]) as Record<string, unknown>;
    const { org, role, sub, exp } = claims;
    if (typeof org !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') return undefined;
    if (typeof role !== 'string' || !ROLES.includes(role) || exp <= nowSeconds) return undefined;
    return { token: token.trim(), org, role: role as Role, sub, exp };
  } catch {
    return undefined;
  }
}
