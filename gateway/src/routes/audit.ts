import { Tx } from '@settlement/chaincode/dist/api';
import type { Alert, Reconciliation } from '@settlement/chaincode/dist/api';
import type { Principal } from '../auth';
import { forbidden, notFound } from '../errors';
import { ALL_ROLES, route } from '../route';
import { alertsQuery, noParams, noQuery, reconciliationQuery, txParams } from '../schemas';
import { list } from './replies';

/** Auditors reconcile anything; a hospital or an insurer only its own settlements. */
function ownScope(principal: Principal, query: { hospital?: string; insurer?: string }) {
  if (principal.role === 'auditor') return query;
  const field = principal.role === 'clerk' ? 'hospital' : 'insurer';
  if (query[field] !== undefined && query[field] !== principal.org) {
    throw forbidden(`${field} must be your own organisation, ${principal.org}`);
  }
  return { ...query, [field]: principal.org };
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
    handle: async ({ query }, { ledger }) => list(await ledger.evaluate<Alert[]>(Tx.listAlerts, query)),
  }),
  route({
    method: 'get',
    path: '/v1/audit/transactions/:txId',
    summary: "A transaction as the ledger recorded it (auditors, and the transaction's parties)",
    roles: ALL_ROLES,
    params: txParams,
    query: noQuery,
    responses: {
      200: '{txId, blockNumber, validationCode, timestamp, creatorMsp, endorsers}',
      404: 'NOT_FOUND',
    },
    handle: async ({ params }, { ledger, principal }) => {
      const info = await ledger.transaction(params.txId);
      const party = info && (info.creatorMsp === principal.org || info.parties.includes(principal.org));
      if (!info || (principal.role !== 'auditor' && !party)) throw notFound();
      const { txId, blockNumber, validationCode, timestamp, creatorMsp, endorsers } = info;
      return { status: 200, body: { txId, blockNumber, validationCode, timestamp, creatorMsp, endorsers } };
    },
  }),
];
