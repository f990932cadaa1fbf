/**
 * Structured logs. Request bodies are never logged; redaction is a second line of defence in case a field that
 * could carry personal data or a credential ends up in a log object anyway.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pino, { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

const REDACTED_FIELDS = [
  'patient',
  'idNumber',
  'idType',
  'invoice',
  'invoiceNumber',
  'authorization',
  'token',
  'body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  return pino({ level, redact: { paths, censor: '[redacted]' } }, destination);
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The access line: these keys only, none of them redacted; `aborted` when the client went away first. */
function accessLine(req: Request, res: Response, { responseTime }: { responseTime: number }) {
  return {
    requestId: req.id,
    method: req.method,
    path: req.path,
    route: typeof res.locals.route === 'string' ? res.locals.route : undefined,
    status: res.statusCode,
    ms: responseTime,
    sub: res.locals.principal?.sub,
    aborted: res.writableFinished ? undefined : true,
  };
}

/**
 * Gives every request an id (the caller's X-Request-Id when sane), a redacted child logger (requestLog) and one
 * access line, written by pino-http when the response finishes or the client goes away.
 */
export function requestLogging(logger: Logger) {
  const access = pinoHttp<Request, Response>({
    // The access line skips redaction: pino's wildcard paths cost some 35 µs a line, four times the rest of the
    // line (bench/README, Tuning).
    logger: logger.child({}, { redact: { paths: [] } }),
    genReqId(req, res) {
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
      res.setHeader('X-Request-Id', requestId);
      return requestId;
    },
    // pino-http also binds the whole request to a child logger of its own that is not used here: it serializes
    // to nothing, so no request (nor its Authorization header) is ever serialized.
    wrapSerializers: false,
    serializers: { req: () => undefined },
    quietResLogger: true,
    customSuccessObject: accessLine,
    customErrorObject: (req, res, _error, value) => accessLine(req, res, value),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    access(req, res, () => {
      // pino-http's own loggers do not redact; every other line of the request goes through this one.
      req.log = res.log = logger.child({ requestId: req.id });
      next();
    });
  };
}

export function requestLog(res: Response): Logger {
  return res.log;
}
