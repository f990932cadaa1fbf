/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas.
 */
import { z } from 'zod';
import type { RouteSpec } from './route';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // Each schema is embedded in the document, which names its own dialect.
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodType, where: 'path' | 'query') {
  const { properties = {}, required = [] } = jsonSchema(schema);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
  }));
}

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problem } },
});

function operation(spec: RouteSpec) {
  const responses: Record<string, unknown> = {
    400: problemResponse('VALIDATION_FAILED'),
    401: problemResponse('UNAUTHENTICATED'),
    403: problemResponse('FORBIDDEN'),
    503: problemResponse('LEDGER_UNAVAILABLE'),
  };
  if (spec.method === 'post') {
    responses[413] = problemResponse('PAYLOAD_TOO_LARGE');
    responses[415] = problemResponse('UNSUPPORTED_MEDIA_TYPE');
    responses[504] = problemResponse(
      'COMMIT_TIMEOUT: outcome unknown, retry the same request (writes are idempotent)',
    );
  }
  for (const [status, description] of Object.entries(spec.responses)) {
    responses[status] = Number(status) >= 400 ? problemResponse(description) : { description };
  }
  return {
    summary: spec.summary,
    description: `Roles: ${spec.roles.join(', ')}.`,
    security: [{ bearer: [] }],
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    ...(spec.body && {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } },
    }),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteSpec[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/healthz': {
      get: { summary: 'Liveness and ledger reachability', responses: { 200: { description: 'up' } } },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text format' } } },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
  };
  for (const spec of routes) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Settlement audit trail gateway', version: '1.0.0' },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256)' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            txId: { type: 'string' },
          },
        },
      },
    },
  };
}
