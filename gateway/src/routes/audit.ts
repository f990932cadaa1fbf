import { eventSeenBy, Tx } from '@settlement/chaincode/dist/api';
import type { Alert, Reconciliation } from '@settlement/chaincode/dist/api';
import type { Principal } from '../auth';
import { forbidden, notFound } from '../errors';
import type { TransactionInfo } from '../ledger';
import { ALL_ROLES, route } from '../route';
import { alertsQuery, noParams, noQuery, reconciliationQuery, txParams } from '../schemas';
import { itemsOf, list, OBJECT } from './replies';

/** Auditors reconcile anything; a hospital or an insurer only its own settlements. */
function ownScope(principal: Principal, query: { hospital?: string; insurer?: string }) {
  if (principal.role === 'auditor') return query;
  const field = principal.role === 'clerk' ? 'hospital' : 'insurer';
  if (query[field] !== undefined && query[field] !== principal.org) {
    throw forbidden(`${field} must be your own organisation, ${principal.org}`);
  }
  return { ...query, [field]: principal.org };
}

/**
 * The endorsers a caller may see of a transaction, or undefined when it may not inspect it. Auditors inspect any
 * transaction; others one they created or endorsed or whose event concerns them, and see only the endorsers
 * among the organisations their part of it concerns (a batch across two insurers shows neither the other).
 */
function endorsersSeenBy(principal: Principal, info: TransactionInfo): string[] | undefined {
  if (principal.role === 'auditor') return info.endorsers;
  const seen = info.event && eventSeenBy(info.event, principal.org, false);
  if (!seen && ![info.creatorMsp, ...info.endorsers].includes(principal.org)) return undefined;
  // Without an event nothing tells which part concerns whom: an involved caller sees every endorser.
  if (!info.event) return info.endorsers;
  const related = new Set([principal.org, info.creatorMsp, ...(seen?.parties ?? [])]);
  return info.endorsers.filter((msp) => related.has(msp));
}

export const auditRoutes = [
  route({
    method: 'get',
    path: '/v1/audit/reconciliation',
    summary: 'Totals of settlements by status (auditors: any scope; others: their own)',
    roles: ALL_ROLES,
    params: noParams,
    query: reconciliationQuery,
    responses: {
      200: '{count, total, fundShare, commercialShare, patientShare, paid, outstanding, byStatus}',
    },
    handle: async ({ query }, { ledger, principal }) => ({
      status: 200,
      body: await ledger.evaluate<Reconciliation>(Tx.reconciliation, ownScope(principal, query)),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/audit/alerts',
    summary: 'Fraud alerts (duplicate invoices)',
    roles: ['auditor'],
    params: noParams,
    query: alertsQuery,
    responses: { 200: '{items}' },
    returns: { schema: itemsOf(OBJECT) },
    handle: async ({ query }, { ledger }) => list(await ledger.evaluate<Alert[]>(Tx.listAlerts, query)),
  }),
  route({
    method: 'get',
    path: '/v1/audit/transactions/:txId',
    summary:
      "A transaction as the ledger recorded it (auditors; others when they created or endorsed it or are among its event's parties)",
    roles: ALL_ROLES,
    params: txParams,
    query: noQuery,
    responses: {
      200: '{txId, blockNumber, validationCode, timestamp (proposal time), committedAt, creatorMsp, endorsers}',
    },
    errors: ['NOT_FOUND'],
    handle: async ({ params }, { ledger, principal }) => {
      const info = await ledger.transaction(params.txId);
      const endorsers = info && endorsersSeenBy(principal, info);
      if (!info || !endorsers) throw notFound();
      const { txId, blockNumber, validationCode, timestamp, committedAt = null, creatorMsp } = info;
      const body = { txId, blockNumber, validationCode, timestamp, committedAt, creatorMsp, endorsers };
      return { status: 200, body };
    },
  }),
];
