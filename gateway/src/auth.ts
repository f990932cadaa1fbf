/**
 * Bearer-token authentication. Only ES256 is accepted (pinning the algorithm defeats `alg: none` and HS256
 * forgeries keyed with the public key), `exp` is required, and the token must be issued for this gateway's
 * organisation. Roles are checked per route.
 */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { GatewayConfig } from './config';
import { ApiError, forbidden } from './errors';
import { ROLE_OF_KIND, Role } from './orgs';

export interface Principal {
  /** MSP ID of the caller's organisation (always this gateway's). */
  org: string;
  role: Role;
  /** The user, recorded on the ledger as the actor of writes. */
  sub: string;
}

function unauthenticated(detail: string): ApiError {
  return new ApiError(401, 'UNAUTHENTICATED', detail);
}

export function verifyToken(token: string, config: GatewayConfig): Principal {
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, config.jwt.publicKey, {
      algorithms: ['ES256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token';
    throw unauthenticated(reason);
  }
  if (typeof claims === 'string' || typeof claims.exp !== 'number')
    throw unauthenticated('token must have exp');
  const { org, role, sub } = claims as Record<string, unknown>;
  if (org !== config.org.mspId) throw unauthenticated(`token is not for ${config.org.mspId}`);
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128)
    throw unauthenticated('token needs sub');
  // One role per kind of organisation: a hospital token claiming `auditor` is not an auditor.
  if (role !== ROLE_OF_KIND[config.org.kind]) throw forbidden(`role ${String(role)} is not valid here`);
  return { org: config.org.mspId, role: ROLE_OF_KIND[config.org.kind], sub };
}

export function authenticate(config: GatewayConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw unauthenticated('missing bearer token');
    res.locals.principal = verifyToken(match[1], config);
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
