/**
 * Structured logs. Request bodies are never logged; redaction is a second line of defence in case a field that
 * could carry personal data or a credential ends up in a log object anyway.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pino, { DestinationStream, Logger } from 'pino';

export type { Logger };

const REDACTED_FIELDS = ['patient', 'idNumber', 'idType', 'invoiceNumber', 'authorization', 'token', 'body'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  return pino({ level, redact: { paths, censor: '[redacted]' } }, destination);
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id when sane), a child logger and one access-log line. */
export function requestLogging(logger: Logger) {
  // The access line's keys are the ones written below, none of them redacted, so it skips redaction: pino's
  // wildcard paths cost some 35 µs a line, four times the rest of the line (bench/README, Tuning).
  const access = logger.child({}, { redact: { paths: [] } });
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('x-request-id');
    const requestId = header && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = typeof res.locals.route === 'string' ? res.locals.route : undefined;
      access.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          route,
          status: res.statusCode,
          ms,
          sub: res.locals.principal?.sub,
        },
        'request',
      );
    });
    next();
  };
}

export function requestLog(res: Response): Logger {
  return res.locals.log as Logger;
}
