/**
 * Serves the web console's production build at /console: the page itself, revalidated on every load so a new
 * release is picked up at once, its content-hashed assets, cached for a year, and its settings (how users sign
 * in). The page may run only the scripts and styles it was built with and talk only to this gateway and, when
 * the organisation signs its users in with OpenID Connect, to its provider's token endpoint.
 */
import compression from 'compression';
import express, { NextFunction, Request, Response, Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from './errors';
import type { IdentityProvider } from './oidc';

export const CONSOLE_PATH = '/console';
export const CONSOLE_SETTINGS = `${CONSOLE_PATH}/config.json`;

const policy = (connect: readonly string[]) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connect].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function consoleRouter(dir: string, identityProvider?: IdentityProvider): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  const pageHeaders = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // The page's policy must name the provider's token endpoint: read it first (kept afterwards); assets need not wait.
    if (!req.path.startsWith('/assets/')) await identityProvider?.settings();
    res.set({
      'Content-Security-Policy': policy(identityProvider?.connectOrigins() ?? []),
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  };
  router.use(pageHeaders, compression());
  // How the page signs users in: a pasted token always; OpenID Connect when the provider can be reached.
  router.get('/config.json', async (_req, res) => {
    res.locals.route = CONSOLE_SETTINGS;
    res.set('Cache-Control', 'no-cache').json({ oidc: (await identityProvider?.settings()) ?? null });
  });
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
