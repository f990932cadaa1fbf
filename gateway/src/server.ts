/**
 * The HTTP application, assembled from its parts. It takes a LedgerClient rather than connecting itself, so
 * tests run it against a fake ledger and main.ts against Fabric.
 */
import { CONSOLE_PATH, CONSOLE_SETTINGS, consoleRouter } from './console';
import { EvidenceAssembler } from './evidence';
import type { Server } from 'node:http';
import express, { Express, NextFunction, Request, Response } from 'express';
import type { GatewayConfig } from './config';
import type { Membership } from './membership';
import { errorHandler, notFound, unparsedRequestResponse } from './errors';
import { EventHub } from './events';
import type { LedgerClient } from './ledger';
import { Logger, requestLogging } from './logger';
import { createMetrics, Metrics } from './metrics';
import { IdentityProvider } from './oidc';
import { openApiDocument } from './openapi';
import { createPseudonymiser } from './pseudonymise';
import { mountMethodGuards, mountRoutes } from './route';
import { ROUTES } from './routes';

export interface ServerDeps {
  config: GatewayConfig;
  membership: Membership;
  ledger: LedgerClient;
  logger: Logger;
  metrics?: Metrics;
}

export interface GatewayApp {
  app: Express;
  events: EventHub;
  metrics: Metrics;
  /** Serves the app; requests Node's parser refuses (oversize headers, not HTTP) get a problem document too. */
  listen(port: number, host: string): Server;
}

function listen(app: Express, port: number, host: string): Server {
  const server = app.listen(port, host);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && error.code !== 'ECONNRESET') socket.end(unparsedRequestResponse(error.code));
    else socket.destroy();
  });
  return server;
}

/** An API serves JSON only, so the strictest browser policies cost nothing. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
}

/** CORS only for configured origins; other origins get no CORS headers and browsers refuse the response. */
function cors(origins: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    if (!origin || !origins.includes(origin)) return next();
    res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    if (req.method !== 'OPTIONS') return next();
    res
      .set({
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID, X-Request-Id',
        'Access-Control-Max-Age': '600',
      })
      .status(204)
      .end();
  };
}

function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'unmatched';
      stop({ route, status: String(res.statusCode) });
    });
    next();
  };
}

/** Waits at most `ms` for the ledger, so a health probe answers even when a peer hangs. */
async function ledgerHealth(ledger: LedgerClient, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  try {
    return { reachable: true, blockHeight: await Promise.race([ledger.blockHeight(), timeout]) };
  } catch {
    return { reachable: false, blockHeight: null };
  } finally {
    clearTimeout(timer);
  }
}

export function createServer({
  config,
  membership,
  ledger,
  logger,
  metrics = createMetrics(),
}: ServerDeps): GatewayApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const events = new EventHub(ledger, config.events, metrics, logger);
  const pseudonymiser = createPseudonymiser(config.pseudonymKeys);
  const openapi = openApiDocument(ROUTES);

  app.use(securityHeaders, cors(config.corsOrigins), requestLogging(logger), httpMetrics(metrics));

  app.get('/healthz', async (_req, res) => {
    res.locals.route = '/healthz';
    const health = await ledgerHealth(ledger, 5000);
    res
      .status(health.reachable ? 200 : 503)
      .json({ status: health.reachable ? 'ok' : 'unavailable', ledger: health });
  });
  app.get('/metrics', async (_req, res) => {
    res.locals.route = '/metrics';
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.locals.route = '/openapi.json';
    res.json(openapi);
  });

  const identityProvider = config.oidc && new IdentityProvider(config.oidc, logger);
  app.use(CONSOLE_PATH, consoleRouter(config.consoleDir, identityProvider));

  const evidence = new EvidenceAssembler(ledger, membership.mspId);
  mountRoutes(app, ROUTES, { config, membership, ledger, pseudonymiser, events, evidence, identityProvider });
  const operational = ['/healthz', '/metrics', '/openapi.json', CONSOLE_PATH, CONSOLE_SETTINGS].map(
    (path) => ({
      method: 'get',
      path,
    }),
  );
  mountMethodGuards(app, [...operational, ...ROUTES]);

  app.use(() => {
    throw notFound('no such endpoint');
  });
  app.use(errorHandler());
  return { app, events, metrics, listen: (port, host) => listen(app, port, host) };
}
