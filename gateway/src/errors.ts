/**
 * Errors as application/problem+json with stable codes. Chaincode failures carry their code as JSON in the
 * peer's response message, so they are mapped by that code, never by reading prose.
 */
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '@settlement/chaincode/dist/api';
import type { ChaincodeErrorBody } from '@settlement/chaincode/dist/api';
import { requestLog } from './logger';

export const GatewayErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  EVENTS_EXPIRED: 'EVENTS_EXPIRED',
  TOO_MANY_STREAMS: 'TOO_MANY_STREAMS',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  LEDGER_REJECTED: 'LEDGER_REJECTED',
  COMMIT_TIMEOUT: 'COMMIT_TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;
export type ProblemCode = ErrorCode | (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'Validation failed',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  ID_CONFLICT: 'Id already used with other content',
  INVALID_STATE: 'Not allowed in the current state',
  AMOUNT_MISMATCH: 'Amount mismatch',
  DUPLICATE_INVOICE: 'Invoice already settled',
  CLOCK_SKEW: "The gateway's and the peers' clocks disagree",
  UNAUTHENTICATED: 'Unauthenticated',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  HEADERS_TOO_LARGE: 'Request header fields too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  EVENTS_EXPIRED: 'Events no longer available',
  TOO_MANY_STREAMS: 'Too many event streams',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  LEDGER_UNAVAILABLE: 'Ledger unavailable',
  LEDGER_REJECTED: 'Ledger rejected the transaction',
  COMMIT_TIMEOUT: 'Commit outcome unknown',
  INTERNAL: 'Internal error',
};

/** HTTP status of each code: chaincode codes map by this table, and /openapi.json documents it. */
export const PROBLEM_STATUS: Readonly<Record<ProblemCode, number>> = {
  VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ID_CONFLICT: 409,
  INVALID_STATE: 409,
  AMOUNT_MISMATCH: 422,
  DUPLICATE_INVOICE: 409,
  // A gateway stamps proposals with its own clock, so this is the operators' fault, never the caller's.
  CLOCK_SKEW: 503,
  UNAUTHENTICATED: 401,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EVENTS_EXPIRED: 410,
  TOO_MANY_STREAMS: 429,
  METHOD_NOT_ALLOWED: 405,
  LEDGER_UNAVAILABLE: 503,
  LEDGER_REJECTED: 502,
  COMMIT_TIMEOUT: 504,
  INTERNAL: 500,
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    detail: string,
    /** Extra members of the problem document, e.g. txId or alertId. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export function notFound(detail = 'no such resource'): ApiError {
  return new ApiError(404, ErrorCode.NOT_FOUND, detail);
}

export function forbidden(detail: string): ApiError {
  return new ApiError(403, ErrorCode.FORBIDDEN, detail);
}

export function validationFailed(detail: string, errors?: { path: string; message: string }[]): ApiError {
  return new ApiError(400, ErrorCode.VALIDATION_FAILED, detail, errors ? { errors } : {});
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (Object.values(ErrorCode) as string[]).includes(value);
}

/**
 * Reads the chaincode's `{"code","message"}` from a peer response message. Peers or the SDK may wrap it in a
 * prefix, so the JSON object is taken from the first `{` to the last `}` and must parse with a known code.
 */
export function parseChaincodeError(message: string): ChaincodeErrorBody | undefined {
  const start = message.indexOf('{');
  const end = message.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    const body: unknown = JSON.parse(message.slice(start, end + 1));
    if (body && typeof body === 'object') {
      const { code, message: text } = body as Record<string, unknown>;
      if (isErrorCode(code)) return { code, message: typeof text === 'string' ? text : code };
    }
  } catch {
    // not a chaincode error document
  }
  return undefined;
}

export function fromChaincodeError(body: ChaincodeErrorBody): ApiError {
  return new ApiError(PROBLEM_STATUS[body.code], body.code, body.message);
}

/** A read of something the caller may not see answers as if it did not exist. */
export function hideForbidden(error: unknown): never {
  if (error instanceof ApiError && error.code === ErrorCode.FORBIDDEN) throw notFound();
  throw error;
}

export function problemDocument(error: ApiError): Record<string, unknown> {
  return {
    type: `urn:settlement:problem:${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    ...error.extra,
  };
}

/** Seconds a client should wait before retrying a 503 (the ledger busy or down) or a 429. */
const RETRY_AFTER_SECONDS = 1;

export function sendProblem(res: Response, error: ApiError): void {
  if (error.status === 401) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
  if (error.status === 503 || error.status === 429) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(error.status).type('application/problem+json').json(problemDocument(error));
}

/**
 * Errors raised by Express itself: its body parser's, recognised by the `type` it sets, and any other with a
 * 4xx `status` (http-errors' convention), such as a path parameter with bad percent-encoding or a compressed
 * body that does not inflate. Each is the client's doing, so never a 500.
 */
function fromExpress(error: unknown): ApiError | undefined {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  if (type === 'entity.parse.failed') return validationFailed('request body is not valid JSON');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  }
  if (typeof type === 'string') return validationFailed('request body could not be read');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return validationFailed('the request could not be read (check its path encoding and body)');
  }
  return undefined;
}

export function errorHandler() {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const known = error instanceof ApiError ? error : fromExpress(error);
    if (known) {
      if (known.status >= 500)
        requestLog(res).warn({ code: known.code, detail: known.message }, 'ledger problem');
      return sendProblem(res, known);
    }
    requestLog(res).error({ err: error }, 'unhandled error');
    sendProblem(
      res,
      new ApiError(500, 'INTERNAL', 'unexpected error; see the gateway log for the request id'),
    );
  };
}

/**
 * A problem for a request Node's HTTP parser refused before Express saw it (headers over Node's 16 KiB, or bytes
 * that are not HTTP), as a complete response to write on the raw socket; Node's own answer has no body.
 */
export function unparsedRequestResponse(parserCode: string | undefined): string {
  const error =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'HEADERS_TOO_LARGE', 'the request headers are too large')
      : validationFailed('the request is not valid HTTP');
  const body = JSON.stringify(problemDocument(error));
  return [
    `HTTP/1.1 ${error.status} ${TITLES[error.code]}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
