/**
 * Clearing and month-end: bulk payouts and the remittances they leave, and the month's statements of a hospital
 * and an insurer, which each confirms, as JSON or as CSV lines for a spreadsheet.
 */
import { Tx } from '@settlement/chaincode/dist/api';
import type {
  Pair,
  PayoutBatchResult,
  Remittance,
  Statement,
  StatementConfirmation,
  StatementLine,
  WriteResult,
} from '@settlement/chaincode/dist/api';
import { confirmStatementBody, mspId, month, payoutBatchBody } from '@settlement/chaincode/dist/schemas';
import { z } from 'zod';
import type { Principal } from '../auth';
import { requireMember } from '../endorsement';
import { exportQuery, sendCsv, wantsCsv, type Column } from '../csv';
import { fromChaincodeError, notFound } from '../errors';
import { ALL_ROLES, route, type Reply } from '../route';
import { noParams, noQuery } from '../schemas';
import { everyPage, refusedItem, OBJECT, written } from './replies';

const pairParams = { hospital: mspId, insurer: mspId };
const remittanceParams = z.strictObject({
  ...pairParams,
  paymentReference: payoutBatchBody.shape.paymentReference,
});
const statementParams = z.strictObject({ ...pairParams, month });

/**
 * A hospital's clerk reads its own hospital's records of a pair, an insurer's adjuster its own insurer's, an
 * auditor any: anyone else's do not exist for it (404, without asking the ledger).
 */
function ownPair<T extends Pair>(principal: Principal, pair: T, what: string): T {
  const own =
    principal.role === 'clerk' ? pair.hospital : principal.role === 'adjuster' ? pair.insurer : undefined;
  if (own !== undefined && own !== principal.org) throw notFound(`${what} not found`);
  return pair;
}

const statementName = (s: { hospital: string; insurer: string; month: string }) =>
  `statement ${s.hospital}/${s.insurer}/${s.month}`;

/** A statement's lines as exported: the settlement and its state, its money in yuan. */
const LINE_COLUMNS: readonly Column<StatementLine>[] = [
  { en: 'Settlement', zh: '结算单号', cell: (l) => l.settlementId },
  { en: 'Discharge date', zh: '出院日期', cell: (l) => l.dischargeDate },
  { en: 'Status', zh: '状态', cell: (l) => l.status },
  { en: 'Payee', zh: '收款方', cell: (l) => l.payee },
  { en: 'Total (yuan)', zh: '医疗总费用(元)', cell: (l) => l.total, yuan: true },
  { en: 'Fund share (yuan)', zh: '基本医保支付(元)', cell: (l) => l.fundShare, yuan: true },
  { en: 'Commercial share (yuan)', zh: '商业保险应付(元)', cell: (l) => l.commercialShare, yuan: true },
  { en: 'Patient share (yuan)', zh: '个人自付(元)', cell: (l) => l.patientShare, yuan: true },
  { en: 'Paid (yuan)', zh: '已赔付(元)', cell: (l) => l.paid, yuan: true },
  { en: 'Recovered (yuan)', zh: '已追回(元)', cell: (l) => l.recovered, yuan: true },
  { en: 'Outstanding (yuan)', zh: '待支付(元)', cell: (l) => l.outstanding, yuan: true },
  { en: 'Payment reference', zh: '支付流水号', cell: (l) => l.paymentReference },
];

/** A bulk payout's results in the order of its items, each answered as its own payout would be. */
function payoutReply({ result, txId }: { result: PayoutBatchResult; txId: string }): Reply {
  const results = result.results.map((item) => {
    if (item.outcome === 'REJECTED') return refusedItem(item.settlementId, fromChaincodeError(item.error));
    const status = item.outcome === 'PAID' ? 201 : 200;
    return { settlementId: item.settlementId, status, body: { txId: item.txId } };
  });
  return { status: 200, body: { txId, results, remittance: result.remittance } };
}

export const clearingRoutes = [
  route({
    method: 'post',
    path: '/v1/payouts/batch',
    summary:
      'One payment (reference and date) over many settlements of one hospital: each item paid or refused on its own, in one transaction',
    roles: ['adjuster'],
    params: noParams,
    query: noQuery,
    body: payoutBatchBody,
    responses: { 200: '{txId, results: [{settlementId, status, body}], remittance}' },
    errors: ['INVALID_STATE'],
    handle: async ({ body }, { ledger, principal }) => {
      await requireMember(ledger, body.hospital, 'HOSPITAL', 'body.hospital');
      const endorsingOrgs = [body.hospital, principal.org].sort();
      const request = { ...body, actor: principal.sub };
      return payoutReply(await ledger.submit<PayoutBatchResult>(Tx.payoutBatch, request, { endorsingOrgs }));
    },
  }),
  route({
    method: 'get',
    path: '/v1/payouts/:hospital/:insurer/:paymentReference',
    summary: "The remittance of a payment: which of the hospital's settlements it covered, and how much each",
    roles: ALL_ROLES,
    params: remittanceParams,
    query: noQuery,
    responses: { 200: '{insurer, hospital, paymentReference, paidAt, items, total}' },
    errors: ['NOT_FOUND'],
    handle: async ({ params }, { ledger, principal }) => {
      const key = ownPair(principal, params, `payment ${params.paymentReference}`);
      return { status: 200, body: await ledger.evaluate<Remittance>(Tx.remittance, key) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/statements/:hospital/:insurer/:month',
    summary:
      "A month's statement of a hospital and an insurer (by discharge date): totals, the hash of its lines, each party's confirmation; ?format=csv (or Accept: text/csv) for its lines, &lang=zh|en",
    roles: ALL_ROLES,
    params: statementParams,
    query: z.strictObject(exportQuery),
    responses: {
      200: '{hospital, insurer, month, listHash, totals, confirmations, agreed, needsReconfirmation}',
    },
    returns: { schema: OBJECT, csv: true },
    errors: ['NOT_FOUND'],
    handle: async ({ params, query }, { ledger, principal }, req, res) => {
      const key = ownPair(principal, params, statementName(params));
      if (!wantsCsv(query, (types) => req.accepts(types))) {
        return { status: 200, body: await ledger.evaluate<Statement>(Tx.statement, key) };
      }
      const filename = `statement-${key.hospital}-${key.insurer}-${key.month}.csv`;
      const lines = everyPage<StatementLine>(ledger, Tx.statementLines, key);
      await sendCsv(res, filename, LINE_COLUMNS, query.lang ?? 'zh', lines);
    },
  }),
  route({
    method: 'post',
    path: '/v1/statements/:hospital/:insurer/:month/confirm',
    summary:
      "Agree to the month's statement as read: the hospital's clerk or the insurer's adjuster names the list's hash",
    roles: ['clerk', 'adjuster'],
    params: statementParams,
    query: noQuery,
    body: confirmStatementBody,
    responses: { 201: 'confirmed', 200: 'already confirmed with this list' },
    errors: ['INVALID_STATE', 'NOT_FOUND'],
    handle: async ({ params, body }, { ledger, principal }) => {
      const key = ownPair(principal, params, statementName(params));
      // The chaincode may not scan the lines in a write: it checks, line by line, those this gateway read.
      const settlementIds: string[] = [];
      for await (const page of everyPage<StatementLine>(ledger, Tx.statementLines, key))
        settlementIds.push(...page.map((line) => line.settlementId));
      const request = { ...key, listHash: body.listHash, settlementIds, actor: principal.sub };
      const endorsingOrgs = [key.hospital, key.insurer].sort();
      const outcome = await ledger.submit<WriteResult<StatementConfirmation>>(Tx.confirmStatement, request, {
        endorsingOrgs,
      });
      return written(outcome, (confirmation) => confirmation.by.txId);
    },
  }),
];
