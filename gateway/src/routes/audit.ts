import { eventSeenBy, Tx } from '@settlement/chaincode/dist/api';
import type { Alert, HistoryEntry, Reconciliation, WriteResult } from '@settlement/chaincode/dist/api';
import type { Principal } from '../auth';
import { forbidden, hideForbidden, notFound } from '../errors';
import type { TransactionInfo } from '../ledger';
import type { Role } from '../membership';
import { ALL_ROLES, route } from '../route';
import {
  alertParams,
  alertsQuery,
  noParams,
  noQuery,
  reconciliationQuery,
  triageBody,
  txParams,
} from '../schemas';
import { itemsOf, list, OBJECT, PAGE, paged, RECORD_WITH_TXID, written } from './replies';

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

/** The alerts that concern the caller: hospitals and insurers those naming them, auditors all. */
function alertList(path: string, roles: readonly Role[]) {
  return route({
    method: 'get',
    path,
    summary:
      'Fraud alerts that concern the caller (duplicate invoices, overlapping stays), oldest first; dates filter the day raised; page with nextCursor',
    roles,
    params: noParams,
    query: alertsQuery,
    responses: { 200: '{items, nextCursor}' },
    returns: { schema: PAGE },
    handle: async ({ query }, { ledger }) => paged(ledger, Tx.listAlerts, query),
  });
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
  alertList('/v1/alerts', ALL_ROLES),
  // The auditors' list of the first version, now the same list.
  alertList('/v1/audit/alerts', ['auditor']),
  route({
    method: 'get',
    path: '/v1/alerts/:alertId/history',
    summary: 'Every version of an alert, oldest first: as raised, then as triaged, each with who wrote it',
    roles: ALL_ROLES,
    params: alertParams,
    query: noQuery,
    responses: { 200: '{items: [{txId, timestamp, mspId, isDelete, value}]}, oldest first' },
    returns: { schema: itemsOf(OBJECT) },
    errors: ['NOT_FOUND'],
    handle: async ({ params }, { ledger }) =>
      list(await ledger.evaluate<HistoryEntry<Alert>[]>(Tx.alertHistory, params).catch(hideForbidden)),
  }),
  route({
    method: 'post',
    path: '/v1/alerts/:alertId/triage',
    summary: "Record the regulator's decision on an open alert: CONFIRMED or DISMISSED, with a note",
    roles: ['auditor'],
    params: alertParams,
    query: noQuery,
    body: triageBody,
    responses: { 201: 'triaged', 200: 'already triaged alike' },
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', 'INVALID_STATE', 'ID_CONFLICT'],
    handle: async ({ params, body }, { ledger, principal }) =>
      written(
        await ledger.submit<WriteResult<Alert>>(Tx.triageAlert, {
          ...params,
          ...body,
          actor: principal.sub,
        }),
        (alert) => alert.triage?.by.txId ?? alert.submitter.txId,
      ),
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
