import { eventSeenBy, Tx } from '@settlement/chaincode/dist/api';
import type {
  Alert,
  HistoryEntry,
  PayeeTotals,
  Reconciliation,
  WriteResult,
} from '@settlement/chaincode/dist/api';
import { exportQuery, sendCsv, wantsCsv, type Column } from '../csv';
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
  settlementParams,
  triageBody,
  txParams,
} from '../schemas';
import { everyPage, itemsOf, list, OBJECT, PAGE, paged, RECORD_WITH_TXID, written } from './replies';

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

const ALERT_COLUMNS: readonly Column<Alert>[] = [
  { en: 'Alert', zh: '预警编号', cell: (a) => a.alertId },
  { en: 'Type', zh: '类型', cell: (a) => a.type },
  { en: 'Status', zh: '状态', cell: (a) => a.status },
  { en: 'Raised at', zh: '发生时间', cell: (a) => a.at },
  { en: 'Period', zh: '账期', cell: (a) => a.period },
  { en: 'Hospital', zh: '医院', cell: (a) => a.attempted.hospital },
  { en: 'Settlement', zh: '结算单号', cell: (a) => a.attempted.settlementId },
  { en: 'Insurer', zh: '保险公司', cell: (a) => a.attempted.insurer },
  { en: 'Earlier hospital', zh: '原结算医院', cell: (a) => a.existing.hospital },
  { en: 'Earlier settlement', zh: '原结算单号', cell: (a) => a.existing.settlementId },
  { en: 'Triage note', zh: '处理意见', cell: (a) => a.triage?.note },
];

/** A reconciliation as rows: the whole, each payee, each status (whose rows have a count and a share only). */
interface ReconciliationRow {
  scope: string;
  count: number;
  commercialShare: number;
  paid?: number;
  recovered?: number;
  net?: number;
  outstanding?: number;
}
const RECONCILIATION_COLUMNS: readonly Column<ReconciliationRow>[] = [
  { en: 'Scope', zh: '范围', cell: (r) => r.scope },
  { en: 'Count', zh: '笔数', cell: (r) => r.count },
  { en: 'Commercial share (yuan)', zh: '商业保险应付(元)', cell: (r) => r.commercialShare, yuan: true },
  { en: 'Paid (yuan)', zh: '已赔付(元)', cell: (r) => r.paid, yuan: true },
  { en: 'Recovered (yuan)', zh: '已追回(元)', cell: (r) => r.recovered, yuan: true },
  { en: 'Net (yuan)', zh: '净赔付(元)', cell: (r) => r.net, yuan: true },
  { en: 'Outstanding (yuan)', zh: '待支付(元)', cell: (r) => r.outstanding, yuan: true },
];
function reconciliationRows(totals: Reconciliation): ReconciliationRow[] {
  const money = ({ count, commercialShare, paid, recovered, net, outstanding }: PayeeTotals) => ({
    count,
    commercialShare,
    paid,
    recovered,
    net,
    outstanding,
  });
  return [
    { scope: 'ALL', ...money(totals) },
    ...Object.entries(totals.byPayee).map(([payee, sums]) => ({ scope: `PAYEE ${payee}`, ...money(sums) })),
    ...Object.entries(totals.byStatus).map(([status, sums]) => ({ scope: `STATUS ${status}`, ...sums })),
  ];
}

async function* once<T>(rows: readonly T[]): AsyncGenerator<readonly T[]> {
  yield rows;
}

/** The alerts that concern the caller: hospitals and insurers those naming them, auditors all. */
function alertList(path: string, roles: readonly Role[]) {
  return route({
    method: 'get',
    path,
    summary:
      'Alerts that concern the caller (duplicate invoices, overlapping stays, changed periods), oldest first; dates filter the day raised; page with nextCursor, or ?format=csv for all',
    roles,
    params: noParams,
    query: alertsQuery.extend(exportQuery),
    responses: { 200: '{items, nextCursor}' },
    returns: { schema: PAGE, csv: true },
    handle: async ({ query }, { ledger }, req, res) => {
      const { format, lang, ...filter } = query;
      if (!wantsCsv({ format }, (types) => req.accepts(types))) return paged(ledger, Tx.listAlerts, filter);
      const { cursor: _cursor, limit: _limit, ...all } = filter;
      const pages = everyPage<Alert>(ledger, Tx.listAlerts, all);
      await sendCsv(res, 'alerts.csv', ALERT_COLUMNS, lang ?? 'zh', pages);
    },
  });
}

export const auditRoutes = [
  route({
    method: 'get',
    path: '/v1/audit/reconciliation',
    summary: 'Totals of settlements by status (auditors: any scope; others: their own)',
    roles: ALL_ROLES,
    params: noParams,
    query: reconciliationQuery.extend(exportQuery),
    returns: { schema: OBJECT, csv: true },
    responses: {
      200: '{count, total, fundShare, commercialShare, patientShare, paid, recovered, net, outstanding, byStatus, byPayee}; ?format=csv for its rows',
    },
    handle: async ({ query }, { ledger, principal }, req, res) => {
      const { format, lang, ...filter } = query;
      const totals = await ledger.evaluate<Reconciliation>(Tx.reconciliation, ownScope(principal, filter));
      if (!wantsCsv({ format }, (types) => req.accepts(types))) return { status: 200, body: totals };
      const rows = once(reconciliationRows(totals));
      await sendCsv(res, 'reconciliation.csv', RECONCILIATION_COLUMNS, lang ?? 'zh', rows);
    },
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
    path: '/v1/audit/evidence/:hospital/:settlementId',
    summary:
      "A settlement's evidence package: its transactions' blocks, every header from the genesis block and the channel's configurations, to check offline with `npm run verify`",
    roles: ALL_ROLES,
    params: settlementParams,
    query: noQuery,
    responses: { 200: 'the package (format settlement-evidence, version 1; evidence/README.md)' },
    returns: { schema: OBJECT },
    errors: ['NOT_FOUND'],
    handle: async ({ params }, { evidence }) => ({ status: 200, body: await evidence.assemble(params) }),
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
