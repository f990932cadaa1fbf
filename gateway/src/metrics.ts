/**
 * Prometheus metrics. Each gateway (and each test server) has its own registry so instances never share
 * counters.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Labels: method, route (the route pattern, never the raw path), status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Labels: tx, phase (evaluate, endorse, commit, submit), outcome (ok, error). */
  ledgerDuration: Histogram<'tx' | 'phase' | 'outcome'>;
  /** Labels: tx, reason (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT, ENDORSEMENTS_DIFFER, COMMIT_UNKNOWN). */
  ledgerRetries: Counter<'tx' | 'reason'>;
  /** Labels: outcome (delivered, dropped_slow_client). */
  eventsSent: Counter<'outcome'>;
}

export function createMetrics(defaults = false): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    ledgerDuration: new Histogram({
      name: 'gateway_ledger_duration_seconds',
      help: 'Ledger call latency by transaction and phase (evaluate, endorse, commit, submit)',
      labelNames: ['tx', 'phase', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    ledgerRetries: new Counter({
      name: 'gateway_ledger_retries_total',
      help: 'Transactions re-run after a read conflict or resubmitted after an unknown commit outcome',
      labelNames: ['tx', 'reason'],
      registers: [registry],
    }),
    eventsSent: new Counter({
      name: 'gateway_sse_events_total',
      help: 'Server-sent events delivered, and clients dropped for reading too slowly',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
