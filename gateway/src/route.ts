/**
 * A route is declared once, as data: method, path, roles, schemas and a thin handler. The server mounts the
 * declarations (authentication, role check, validation) and /openapi.json is generated from the same list, so
 * the document cannot drift from what is served.
 */
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { authenticate, principalOf, Principal, requireRole, TokenVerifier } from './auth';
import type { IdentityProvider } from './oidc';
import type { GatewayConfig } from './config';
import { ApiError, ProblemCode, validationFailed } from './errors';
import type { EventHub } from './events';
import type { EvidenceAssembler } from './evidence';
import type { LedgerClient } from './ledger';
import type { Pseudonymiser } from './pseudonymise';
import type { Membership, Role } from './membership';

export interface RouteContext {
  config: GatewayConfig;
  membership: Membership;
  ledger: LedgerClient;
  pseudonymiser: Pseudonymiser;
  events: EventHub;
  evidence: EvidenceAssembler;
  principal: Principal;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface RouteInput<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  H extends z.ZodType = z.ZodType,
> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  headers: z.output<H>;
}

/**
 * An OpenAPI link from this route's success reply to another operation: each of its path parameters taken
 * from a field of the reply body. Contract testers follow links to chain calls (settle → read → pay → dispute).
 */
export interface RouteLink {
  /** The operation linked to, as `method path` in Express syntax, e.g. `get /v1/products/:productId`. */
  to: `${'get' | 'post'} /${string}`;
  /** Path parameter name → field of the reply body (a JSON pointer without the leading slash). */
  parameters: Record<string, string>;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post';
  /** Express path syntax, e.g. /v1/products/:productId. */
  path: string;
  summary: string;
  roles: readonly Role[];
  params: P;
  query: Q;
  body?: B;
  /** Request headers the route reads, by lower-case name (other headers pass unchecked). */
  headers?: H;
  /** Success statuses this route answers, with what each means. */
  responses: Record<number, string>;
  /** JSON schema of the success body (a JSON object when not given); `csv` when it also exports as CSV. */
  returns?: { schema: Record<string, unknown>; mediaType?: string; csv?: true };
  /** Operations a success reply leads to, by link name. */
  links?: Record<string, RouteLink>;
  /** Problems this route answers besides those every route and every write can answer. */
  errors?: readonly ProblemCode[];
  /** Answers a reply, or nothing when it wrote the response itself (event streams). */
  handle(
    input: RouteInput<P, Q, B, H>,
    ctx: RouteContext,
    req: Request,
    res: Response,
  ): Promise<Reply | void>;
}

/** Keeps each declaration's schema types attached to its handler's input. */
export function route<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType = z.ZodUndefined,
  H extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B, H>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const ALL_ROLES: readonly Role[] = ['clerk', 'adjuster', 'auditor'];

/** `value` checked against `schema`, or a 400 naming each field at fault (under `where`: body, query...). */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw validationFailed(
    `invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    errors,
  );
}

function readBody(req: Request, spec: RouteSpec): unknown {
  if (!spec.body) return undefined;
  if (!req.is('application/json')) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  return parse(spec.body, req.body, 'body');
}

export interface RouteDeps {
  config: GatewayConfig;
  membership: Membership;
  ledger: LedgerClient;
  pseudonymiser: Pseudonymiser;
  events: EventHub;
  evidence: EvidenceAssembler;
  identityProvider?: IdentityProvider;
}

/**
 * Answers 405 with an Allow header to a known path asked with a method it does not serve (mounted after every
 * handler, so it only sees what nothing else matched); unknown paths stay 404.
 */
export function mountMethodGuards(app: Express, served: readonly { method: string; path: string }[]): void {
  const methods = new Map<string, string[]>();
  for (const { method, path } of served) methods.set(path, [...(methods.get(path) ?? []), method]);
  for (const [path, allowed] of methods) {
    const allow = [...allowed, ...(allowed.includes('get') ? ['head'] : [])].map((m) => m.toUpperCase());
    app.all(path, (_req, res) => {
      res.locals.route = path;
      res.set('Allow', allow.join(', '));
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${path} answers ${allow.join(', ')}`);
    });
  }
}

export function mountRoutes(app: Express, routes: readonly RouteSpec[], deps: RouteDeps): void {
  // Bodies are read only once the caller is known and allowed: a stranger's large or broken body gets 401.
  const jsonBody = express.json({ limit: deps.config.bodyLimit, strict: true });
  const authenticated = authenticate(new TokenVerifier(deps.config, deps.membership, deps.identityProvider));
  for (const spec of routes) {
    app[spec.method](spec.path, (_req, res, next) => {
      // Metrics and logs label requests by pattern: raw paths would explode label cardinality.
      res.locals.route = spec.path;
      next();
    });
    const guards = [authenticated, requireRole(spec.roles), jsonBody];
    app[spec.method](spec.path, ...guards, async (req, res) => {
      const input = {
        params: parse(spec.params, { ...req.params }, 'path'),
        query: parse(spec.query, { ...req.query }, 'query'),
        body: readBody(req, spec),
        headers: spec.headers ? parse(spec.headers, { ...req.headers }, 'header') : undefined,
      };
      const reply = await spec.handle(input, { ...deps, principal: principalOf(res) }, req, res);
      if (reply) res.status(reply.status).json(reply.body);
    });
  }
}
