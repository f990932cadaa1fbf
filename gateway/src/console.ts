/**
 * Serves the web console's production build at /console: the page itself, revalidated on every load so a new
 * release is picked up at once, and its content-hashed assets, cached for a year. The page may run only the
 * scripts and styles it was built with and talk only to this gateway.
 */
import compression from 'compression';
import express, { NextFunction, Request, Response, Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from './errors';

export const CONSOLE_PATH = '/console';

const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

function pageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Content-Security-Policy': CONSOLE_POLICY, 'Cross-Origin-Opener-Policy': 'same-origin' });
  next();
}

export function consoleRouter(dir: string): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use(pageHeaders, compression());
  router.get(['/', '/index.html'], (_req, res, next) => {
    res.locals.route = CONSOLE_PATH;
    if (!existsSync(index)) return next(notFound('the console is not built: npm run build -w console'));
    res.set('Cache-Control', 'no-cache').sendFile(index, { etag: true, lastModified: true });
  });
  router.use(
    '/assets',
    (_req, res, next) => {
      res.locals.route = `${CONSOLE_PATH}/assets`;
      next();
    },
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
  );
  return router;
}
