import { Tx } from '@settlement/chaincode/dist/api';
import type {
  EndorsersResult,
  HistoryEntry,
  Page,
  Settlement,
  SettlementKey,
  SubmitSettlementBatchResult,
  SubmitSettlementResult,
  WriteResult,
} from '@settlement/chaincode/dist/api';
import { z } from 'zod';
import { ApiError, fromChaincodeError, hideForbidden, notFound, problemDocument } from '../errors';
import type { LedgerClient } from '../ledger';
import type { Pseudonymiser } from '../pseudonymise';
import { ALL_ROLES, Reply, route, RouteContext } from '../route';
import {
  noParams,
  noQuery,
  payoutBody,
  reasonBody,
  settlementBatchBody,
  settlementItem,
  settlementListQuery,
  settlementParams,
} from '../schemas';
import { withPatientRef, written } from './replies';

type SettlementItem = z.output<typeof settlementItem>;

/** The ledger request for one settlement: patient and invoice number leave the gateway only as hashes. */
function toRequest(item: SettlementItem, pseudonymiser: Pseudonymiser) {
  const { invoiceNumber, ...rest } = withPatientRef(item, pseudonymiser);
  return { ...rest, invoiceHash: pseudonymiser.invoiceHash(invoiceNumber) };
}

/**
 * Settlement keys carry key-level endorsement policies (hospital and insurer) that discovery cannot see, so the
 * chaincode is asked who must endorse and the write names those organisations.
 */
async function endorsers(
  ledger: LedgerClient,
  keys: ({ policyRef: string } | SettlementKey)[],
): Promise<string[]> {
  const results = await Promise.all(
    keys.map((key) => ledger.evaluate<EndorsersResult>(Tx.settlementEndorsers, key)),
  );
  return [...new Set(results.flatMap((r) => r.organisations))].sort();
}

/** One submit outcome as a reply; DUPLICATE_INVOICE committed an alert, so it is a conflict with its details. */
function outcomeReply(outcome: SubmitSettlementResult, txId: string): Reply {
  switch (outcome.outcome) {
    case 'RECORDED':
      return { status: 201, body: { ...outcome.settlement, txId } };
    case 'EXISTING':
      return { status: 200, body: { ...outcome.settlement, txId: outcome.settlement.recordedBy.txId } };
    case 'DUPLICATE_INVOICE':
      throw new ApiError(
        409,
        'DUPLICATE_INVOICE',
        'this invoice has already been settled; an alert was recorded',
        {
          alertId: outcome.alert.alertId,
          existing: outcome.existing,
          txId,
        },
      );
    case 'REJECTED':
      throw fromChaincodeError(outcome.error);
  }
}

function batchItemReply(outcome: SubmitSettlementResult, txId: string, settlementId: string) {
  try {
    const { status, body } = outcomeReply(outcome, txId);
    return { settlementId, status, body };
  } catch (error) {
    const problem = error as ApiError;
    return { settlementId, status: problem.status, body: problemDocument(problem) };
  }
}

/** Payout, dispute and reversal: the same key, endorsers and idempotent reply, a different transaction. */
async function updateSettlement(
  { ledger, principal }: RouteContext,
  tx: typeof Tx.payoutSettlement | typeof Tx.disputeSettlement | typeof Tx.reverseSettlement,
  key: SettlementKey,
  fields: object,
  recordedTxId: (s: Settlement) => string | undefined,
): Promise<Reply> {
  const endorsingOrgs = await endorsers(ledger, [key]).catch(hideForbidden);
  const outcome = await ledger.submit<WriteResult<Settlement>>(
    tx,
    { ...key, ...fields, actor: principal.sub },
    { endorsingOrgs },
  );
  return written(outcome, (s) => recordedTxId(s) ?? s.txId);
}

export const settlementRoutes = [
  route({
    method: 'post',
    path: '/v1/settlements',
    summary:
      "Record a discharge settlement; the chaincode computes the split on the hospital's and insurer's peers",
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: settlementItem,
    responses: {
      201: 'recorded with its split',
      200: 'already recorded',
      409: 'DUPLICATE_INVOICE or ID_CONFLICT',
    },
    handle: async ({ body }, { ledger, principal, pseudonymiser }) => {
      const request = { ...toRequest(body, pseudonymiser), actor: principal.sub };
      const endorsingOrgs = await endorsers(ledger, [{ policyRef: request.policyRef }]).catch(hideForbidden);
      const { result, txId } = await ledger.submit<SubmitSettlementResult>(Tx.submitSettlement, request, {
        endorsingOrgs,
      });
      return outcomeReply(result, txId);
    },
  }),
  route({
    method: 'post',
    path: '/v1/settlements/batch',
    summary: 'Record up to 100 settlements in one transaction; each item has its own outcome',
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: settlementBatchBody,
    responses: { 200: '{txId, results: [{settlementId, status, body}]} in the order of the items' },
    handle: async ({ body }, { ledger, principal, pseudonymiser }) => {
      const items = body.items.map((item) => toRequest(item, pseudonymiser));
      const policies = [...new Set(items.map((item) => item.policyRef))].map((policyRef) => ({ policyRef }));
      const endorsingOrgs = await endorsers(ledger, policies).catch(hideForbidden);
      const { result, txId } = await ledger.submit<SubmitSettlementBatchResult>(
        Tx.submitSettlementBatch,
        { items, actor: principal.sub },
        { endorsingOrgs },
      );
      const results = result.results.map((outcome, i) =>
        batchItemReply(outcome, txId, items[i].settlementId),
      );
      return { status: 200, body: { txId, results } };
    },
  }),
  route({
    method: 'get',
    path: '/v1/settlements',
    summary: 'Settlements the caller may see, newest first, filtered; dates filter the discharge date',
    roles: ALL_ROLES,
    params: noParams,
    query: settlementListQuery,
    responses: { 200: '{items, nextCursor}' },
    handle: async ({ query }, { ledger }) => {
      const { cursor, ...filters } = query;
      const page = await ledger.evaluate<Page<Settlement>>(Tx.listSettlements, {
        ...filters,
        bookmark: cursor,
      });
      return { status: 200, body: { items: page.items, nextCursor: page.bookmark || null } };
    },
  }),
  route({
    method: 'get',
    path: '/v1/settlements/:hospital/:settlementId',
    summary: 'A settlement (its hospital, its insurer, auditors)',
    roles: ALL_ROLES,
    params: settlementParams,
    query: noQuery,
    responses: { 200: 'the settlement', 404: 'NOT_FOUND' },
    handle: async ({ params }, { ledger }) => ({
      status: 200,
      body: await ledger.evaluate<Settlement>(Tx.getSettlement, params).catch(hideForbidden),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/settlements/:hospital/:settlementId/history',
    summary: 'Every version of a settlement, oldest first, read from the ledger',
    roles: ALL_ROLES,
    params: settlementParams,
    query: noQuery,
    responses: { 200: '{items: [{txId, timestamp, mspId, isDelete, value}]}', 404: 'NOT_FOUND' },
    handle: async ({ params }, { ledger }) => ({
      status: 200,
      body: {
        items: await ledger
          .evaluate<HistoryEntry<Settlement>[]>(Tx.settlementHistory, params)
          .catch(hideForbidden),
      },
    }),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/:hospital/:settlementId/payout',
    summary: "Confirm the insurer's payout; the amount must equal the commercial share",
    roles: ['adjuster'],
    params: settlementParams,
    query: noQuery,
    body: payoutBody,
    responses: {
      201: 'paid',
      200: 'already paid with this content',
      409: 'INVALID_STATE',
      422: 'AMOUNT_MISMATCH',
    },
    handle: async ({ params, body }, ctx) =>
      updateSettlement(ctx, Tx.payoutSettlement, params, body, (s) => s.payout?.by.txId),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/:hospital/:settlementId/dispute',
    summary: 'Dispute a settlement awaiting payout',
    roles: ['adjuster'],
    params: settlementParams,
    query: noQuery,
    body: reasonBody,
    responses: { 201: 'disputed', 200: 'already disputed', 409: 'INVALID_STATE' },
    handle: async ({ params, body }, ctx) =>
      updateSettlement(ctx, Tx.disputeSettlement, params, body, (s) => s.dispute?.by.txId),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/:hospital/:settlementId/reversal',
    summary: 'Reverse a settlement of this hospital before it is paid',
    roles: ['clerk'],
    params: settlementParams,
    query: noQuery,
    body: reasonBody,
    responses: { 201: 'reversed', 200: 'already reversed', 409: 'INVALID_STATE once PAID' },
    handle: async ({ params, body }, ctx) => {
      // Another hospital's settlement is invisible to this clerk.
      if (params.hospital !== ctx.principal.org) throw notFound();
      return updateSettlement(ctx, Tx.reverseSettlement, params, body, (s) => s.reversal?.by.txId);
    },
  }),
];
