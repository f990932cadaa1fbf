/**
 * Bearer-token authentication. Only ES256 is accepted (pinning the algorithm defeats `alg: none` and HS256
 * forgeries keyed with the public key), `iat` and `exp` are required and a token may live at most the configured
 * lifetime (a leaked long-lived token is not a standing credential), and the token must be issued for this
 * gateway's organisation. Roles are checked per route.
 */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { GatewayConfig } from './config';
import { ApiError, forbidden } from './errors';
import type { Membership, Role } from './membership';
import { ID_PATTERN } from '@settlement/chaincode/dist/schemas';

export interface Principal {
  /** MSP ID of the caller's organisation (always this gateway's). */
  org: string;
  role: Role;
  /** The user, recorded on the ledger as the actor of writes. */
  sub: string;
  /** The token's exp (seconds since the epoch): event streams end then. */
  expiresAt: number;
}

function unauthenticated(detail: string): ApiError {
  return new ApiError(401, 'UNAUTHENTICATED', detail);
}

/**
 * The subject is recorded as the actor of every write and logged: an opaque user id in the chaincode's id
 * alphabet (no look-alike letters, no invisible or bidirectional characters, no personal data such as a name).
 */
const SUBJECT = ID_PATTERN;

export function verifyToken(token: string, config: GatewayConfig, membership: Membership): Principal {
  const { publicKey, issuer, audience, maxTtlSeconds, clockToleranceSeconds } = config.jwt;
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, publicKey, {
      algorithms: ['ES256'],
      issuer,
      audience,
      clockTolerance: clockToleranceSeconds,
    });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token';
    throw unauthenticated(reason);
  }
  if (typeof claims === 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number')
    throw unauthenticated('token must have iat and exp');
  if (claims.exp - claims.iat > maxTtlSeconds)
    throw unauthenticated(`token lifetime exceeds ${maxTtlSeconds} seconds`);
  if (claims.iat > Date.now() / 1000 + clockToleranceSeconds)
    throw unauthenticated('token issued in the future');
  const { org, role, sub } = claims as Record<string, unknown>;
  if (org !== membership.mspId) throw unauthenticated(`token is not for ${membership.mspId}`);
  if (typeof sub !== 'string' || !SUBJECT.test(sub)) throw unauthenticated('token needs a valid sub');
  // One role per kind of organisation: a hospital token claiming `auditor` is not a token for this gateway.
  if (role !== membership.role) throw unauthenticated(`token role must be ${membership.role}`);
  return { org: membership.mspId, role: membership.role, sub, expiresAt: claims.exp };
}

/** Tokens remembered per gateway, the least recently used dropped first beyond this many. */
const VERIFIED_TOKENS = 10_000;

/**
 * Remembers the principal of each token already verified. A client sends the same token with every request, and
 * checking its ES256 signature was the largest single cost of a request in the gateway's CPU profile. The
 * same string always carries the same claims under the same key, so only the expiry can change the answer:
 * it is checked again, with the same tolerance as jwt.verify, on every use. Rejections are not remembered (a
 * token not yet valid may become valid).
 */
export class TokenVerifier {
  private readonly verified: LRUCache<string, Principal>;

  constructor(
    private readonly config: GatewayConfig,
    private readonly membership: Membership,
    max = VERIFIED_TOKENS,
    private readonly nowSeconds = () => Date.now() / 1000,
  ) {
    this.verified = new LRUCache({ max });
  }

  get size(): number {
    return this.verified.size;
  }

  verify(token: string): Principal {
    const known = this.verified.get(token);
    if (known) {
      if (this.nowSeconds() < known.expiresAt + this.config.jwt.clockToleranceSeconds) return known;
      this.verified.delete(token);
      throw unauthenticated('token expired');
    }
    // Shared by every request that brings this token (and kept by its event streams): frozen.
    const principal = Object.freeze(verifyToken(token, this.config, this.membership));
    this.verified.set(token, principal);
    return principal;
  }
}

export function authenticate(verifier: TokenVerifier) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw unauthenticated('missing bearer token');
    res.locals.principal = verifier.verify(match[1]);
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

export function requireRole(roles: readonly Role[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const { role } = principalOf(res);
    if (!roles.includes(role)) throw forbidden(`this operation needs role ${roles.join(' or ')}`);
    next();
  };
}
