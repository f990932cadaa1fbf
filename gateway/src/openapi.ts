/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas. Every status a route
 * can answer is listed (problems grouped by status, from the same code → status table the server uses), so a
 * contract tester can hold each response to the document.
 */
import { z } from 'zod';
import { PROBLEM_STATUS, ProblemCode } from './errors';
import type { RouteLink, RouteSpec } from './route';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // Each schema is embedded in the document, which names its own dialect.
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header') {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
  }));
}

/** Problems any route can answer: its request line and headers too long, not authenticated, invalid, or the ledger. */
const EVERY_ROUTE: readonly ProblemCode[] = [
  'VALIDATION_FAILED',
  'HEADERS_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'LEDGER_UNAVAILABLE',
  'CLOCK_SKEW',
];
/** Only a write can commit invalid (LEDGER_REJECTED) or outlive its deadline. */
const WRITES: readonly ProblemCode[] = [
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'LEDGER_REJECTED',
  'COMMIT_TIMEOUT',
];

const OBJECT = { type: 'object' };
const problem = { $ref: '#/components/schemas/Problem' };

function content(schema: unknown, mediaType = 'application/json') {
  return { [mediaType]: { schema } };
}

function problemResponses(codes: readonly ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const status = PROBLEM_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      status,
      { description: group.join(' or '), content: content(problem, 'application/problem+json') },
    ]),
  );
}

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** Unique per operation, and readable in a contract tester's report. */
const operationId = (method: string, path: string): string => `${method.toUpperCase()} ${openApiPath(path)}`;

function openApiLinks(links: Record<string, RouteLink>) {
  return Object.fromEntries(
    Object.entries(links).map(([name, link]) => {
      const [method, path] = link.to.split(' ');
      const parameters = Object.fromEntries(
        Object.entries(link.parameters).map(([param, field]) => [param, `$response.body#/${field}`]),
      );
      return [name, { operationId: operationId(method, path), parameters }];
    }),
  );
}

function operation(spec: RouteSpec) {
  const codes = [...EVERY_ROUTE, ...(spec.method === 'post' ? WRITES : []), ...(spec.errors ?? [])];
  const { schema, mediaType, csv } = spec.returns ?? { schema: OBJECT };
  const links = spec.links && { links: openApiLinks(spec.links) };
  const bodies = { ...content(schema, mediaType), ...(csv && content({ type: 'string' }, 'text/csv')) };
  const success = Object.entries(spec.responses).map(([status, description]) => [
    status,
    { description, content: bodies, ...links },
  ]);
  return {
    operationId: operationId(spec.method, spec.path),
    summary: spec.summary,
    description: `Roles: ${spec.roles.join(', ')}.`,
    security: [{ bearer: [] }],
    parameters: [
      ...parameters(spec.params, 'path'),
      ...parameters(spec.query, 'query'),
      ...parameters(spec.headers, 'header'),
    ],
    ...(spec.body && {
      requestBody: { required: true, content: content(jsonSchema(spec.body)) },
    }),
    responses: { ...Object.fromEntries(success), ...problemResponses(codes) },
  };
}

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(PROBLEM_STATUS) },
    txId: { type: 'string', description: 'the transaction concerned (COMMIT_TIMEOUT, LEDGER_REJECTED, ...)' },
    validationCode: { type: 'string', description: 'Fabric validation code of an invalidated transaction' },
    reason: {
      type: 'string',
      description: 'LEDGER_UNAVAILABLE: ENDORSEMENTS_DIFFER when the endorsing peers kept differing',
    },
    alertId: { type: 'string', description: 'DUPLICATE_INVOICE: the fraud alert recorded' },
    existing: {
      type: 'object',
      description: 'DUPLICATE_INVOICE: the settlement that already holds this invoice',
    },
    errors: {
      type: 'array',
      description: 'VALIDATION_FAILED: each invalid field',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    oldestBlock: { type: 'integer', description: 'EVENTS_EXPIRED: the oldest block still kept' },
  },
};

export function openApiDocument(routes: readonly RouteSpec[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/healthz': {
      get: {
        operationId: operationId('get', '/healthz'),
        summary: 'Liveness and ledger reachability',
        responses: {
          200: { description: 'up', content: content(OBJECT) },
          503: { description: 'the ledger is unreachable', content: content(OBJECT) },
        },
      },
    },
    '/metrics': {
      get: {
        operationId: operationId('get', '/metrics'),
        summary: 'Prometheus metrics',
        responses: {
          200: { description: 'text format', content: content({ type: 'string' }, 'text/plain') },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: operationId('get', '/openapi.json'),
        summary: 'This document',
        responses: { 200: { description: 'OpenAPI 3.1', content: content(OBJECT) } },
      },
    },
    '/console': {
      get: {
        operationId: operationId('get', '/console'),
        summary:
          'The web console (its data needs a token); assets under /console/assets are cached for a year',
        responses: {
          200: { description: 'the page', content: content({ type: 'string' }, 'text/html') },
          404: {
            description: 'the console is not built',
            content: content(problem, 'application/problem+json'),
          },
        },
      },
    },
    '/console/config.json': {
      get: {
        operationId: operationId('get', '/console/config.json'),
        summary:
          "How the console signs users in: the organisation's OpenID Connect provider (null when none is set)",
        responses: {
          200: {
            description: '{oidc: {issuer, clientId, scope, authorizationEndpoint, tokenEndpoint} | null}',
            content: content(OBJECT),
          },
        },
      },
    },
  };
  for (const spec of routes) {
    const path = openApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Settlement audit trail gateway', version: '1.0.0' },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256)' } },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
