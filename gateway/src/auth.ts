/**
 * Bearer-token authentication. Only ES256 is accepted (pinning the algorithm defeats `alg: none` and HS256
 * forgeries keyed with the public key), `iat` and `exp` are required and a token may live at most the configured
 * lifetime (a leaked long-lived token is not a standing credential), and the token must be issued for this
 * gateway's organisation. Roles are checked per route. A token is verified with the configured key
 * (JWT_PUBLIC_KEY_FILE, issuer JWT_ISSUER) or, when it names the organisation's OpenID Connect provider as its
 * issuer, with that provider's key of the token's `kid`: every other check is the same.
 */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { KeyObject } from 'node:crypto';
import type { GatewayConfig } from './config';
import { ApiError, forbidden } from './errors';
import type { Membership, Role } from './membership';
import type { IdentityProvider } from './oidc';
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

/** The key that must have signed a token, and the issuer it must name. */
export interface Signer {
  key: KeyObject;
  issuer: string;
}

export function verifyToken(
  token: string,
  { key, issuer }: Signer,
  config: GatewayConfig,
  membership: Membership,
): Principal {
  const { audience, maxTtlSeconds, clockToleranceSeconds } = config.jwt;
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, key, {
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
    private readonly identityProvider?: IdentityProvider,
    max = VERIFIED_TOKENS,
    private readonly nowSeconds = () => Date.now() / 1000,
  ) {
    this.verified = new LRUCache({ max });
  }

  /** The provider's key when the token names the provider as its issuer (and has that key), else the configured one. */
  private async signerOf(token: string): Promise<Signer> {
    const provider = this.identityProvider;
    const decoded = provider && jwt.decode(token, { complete: true });
    if (provider && typeof decoded?.payload === 'object' && decoded.payload.iss === provider.config.issuer) {
      const key = await provider.key(decoded.header.kid);
      if (!key) throw unauthenticated('invalid token');
      return { key, issuer: provider.config.issuer };
    }
    return { key: this.config.jwt.publicKey, issuer: this.config.jwt.issuer };
  }

  get size(): number {
    return this.verified.size;
  }

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      if (this.nowSeconds() < known.expiresAt + this.config.jwt.clockToleranceSeconds) return known;
      this.verified.delete(token);
      throw unauthenticated('token expired');
    }
    // Shared by every request that brings this token (and kept by its event streams): frozen.
    const signer = await this.signerOf(token);
    const principal = Object.freeze(verifyToken(token, signer, this.config, this.membership));
    this.verified.set(token, principal);
    return principal;
  }
}

export function authenticate(verifier: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw unauthenticated('missing bearer token');
    res.locals.principal = await verifier.verify(match[1]);
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
