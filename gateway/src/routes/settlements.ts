import { PRIOR_VERSIONS, settlementOfBatchItem, Tx } from '@settlement/chaincode/dist/api';
import type {
  Eligibility,
  HistoryEntry,
  Settlement,
  SettlementPreview,
  SettlementKey,
  SubmitSettlementBatchResult,
  SubmitSettlementResult,
  WriteResult,
} from '@settlement/chaincode/dist/api';
import { z } from 'zod';
import { patientPolicyId, policyEndorsers, settlementEndorsers, type PatientPolicyRef } from '../endorsement';
import {
  ApiError,
  fromChaincodeError,
  type ProblemCode,
  hideForbidden,
  notFound,
  validationFailed,
} from '../errors';
import type { LedgerClient, SubmitOptions } from '../ledger';
import type { Role } from '../membership';
import type { Pseudonymiser } from '../pseudonymise';
import { ALL_ROLES, parse, Reply, route, RouteContext, RouteLink } from '../route';
import {
  from2207BatchBody,
  from2207Body,
  from2208Body,
  disputeAnswerBody,
  disputeDecisionBody,
  noParams,
  noQuery,
  payoutBody,
  reasonBody,
  recoveryBody,
  settlementBatchBody,
  settlementItem,
  settlementListQuery,
  settlementOf2207,
  settlementParams,
  invoiceOf,
  patient,
  type From2207Body,
} from '../schemas';
import {
  byRecorder,
  refusedItem,
  itemsOf,
  OBJECT,
  PAGE,
  paged,
  RECORD_WITH_TXID,
  unlessEmpty,
  withPatientRefs,
  written,
} from './replies';

type SettlementItem = z.output<typeof settlementItem>;

const BATCH_ITEM = {
  type: 'object',
  required: ['settlementId', 'status', 'body'],
  properties: { settlementId: { type: 'string' }, status: { type: 'integer' }, body: OBJECT },
};
const BATCH_RESULT = {
  type: 'object',
  required: ['txId', 'txIds', 'results'],
  properties: {
    // The first of txIds; null when no item reached the ledger (every item was refused here).
    txId: { type: ['string', 'null'] },
    // One transaction per insurer of the items, in the order the insurers first appear.
    txIds: { type: 'array', items: { type: 'string' } },
    results: { type: 'array', items: BATCH_ITEM },
  },
};

/**
 * The ledger request for one settlement: patient and invoice leave the gateway only as keyed hashes, with their
 * hashes under former keys (after a key rotation) so that earlier policies, consents and invoices are found.
 */
function toRequest(item: SettlementItem, pseudonymiser: Pseudonymiser) {
  const { invoice, invoiceNumber, ...rest } = withPatientRefs(item, pseudonymiser);
  const invoiceId = invoiceOf(item);
  return {
    ...rest,
    invoiceHash: pseudonymiser.invoiceHash(invoiceId),
    ...unlessEmpty('formerInvoiceHashes', pseudonymiser.formerInvoiceHashes(invoiceId)),
  };
}

/** How an item names its policy: the patient's policy with this reference (of this insurer, if given). */
const policyOf = (item: PatientPolicyRef): PatientPolicyRef => ({
  patientRef: item.patientRef,
  ...unlessEmpty('formerPatientRefs', item.formerPatientRefs ?? []),
  policyRef: item.policyRef,
  ...(item.insurer !== undefined && { insurer: item.insurer }),
});

/**
 * Every new settlement updates its policy's accumulator record: the hot key its writes queue on. Two insurers'
 * policies with the same reference share a queue, which costs no more than a little waiting.
 */
function accumulatorKeys(items: readonly { policyRef: string }[]): string[] {
  return [...new Set(items.map((item) => `policy:${item.policyRef}`))];
}

type PolicyLookup = Awaited<ReturnType<typeof policyEndorsers>>;

/**
 * Each distinct policy's insurer and endorsers, or the coded refusal its lookup met (no such policy of the
 * patient, or one the caller may not see, as the chaincode would refuse it). A ledger that cannot be reached
 * fails the whole batch.
 */
async function lookupPolicies(
  ledger: LedgerClient,
  items: readonly PatientPolicyRef[],
): Promise<Map<string, PolicyLookup | ApiError>> {
  const policies = new Map(items.map((item) => [patientPolicyId(item), policyOf(item)]));
  const lookups = await Promise.all(
    [...policies].map(async ([id, policy]): Promise<[string, PolicyLookup | ApiError]> => {
      try {
        return [id, await policyEndorsers(ledger, policy).catch(hideForbidden)];
      } catch (error) {
        return [id, itemRefusal(error)];
      }
    }),
  );
  return new Map(lookups);
}

/** A refusal of the caller's making (a 4xx), answered for its batch item alone; anything else fails the batch. */
function itemRefusal(error: unknown): ApiError {
  if (error instanceof ApiError && error.status < 500) return error;
  throw error;
}

/** Items by the insurer of their policy, insurers in the order they first appear. */
function byInsurer<T>(items: readonly T[], insurerOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const insurer = insurerOf(item);
    groups.set(insurer, [...(groups.get(insurer) ?? []), item]);
  }
  return groups;
}

/** One submit outcome as a reply; DUPLICATE_INVOICE committed an alert, so it is a conflict with its details. */
function outcomeReply(outcome: SubmitSettlementResult, txId: string): Reply {
  switch (outcome.outcome) {
    case 'RECORDED':
    case 'EXISTING': {
      const result = { created: outcome.outcome === 'RECORDED', record: outcome.settlement };
      return written({ result, txId }, byRecorder);
    }
    case 'DUPLICATE_INVOICE':
      throw new ApiError(
        409,
        'DUPLICATE_INVOICE',
        'this invoice has already been settled; an alert was recorded',
        {
          alertId: outcome.alert.alertId,
          existing: outcome.existing,
          // The transaction that recorded the alert, also when this request replays it.
          txId: outcome.alert.submitter.txId,
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
    return refusedItem(settlementId, error as ApiError);
  }
}

/**
 * The ledger request for a new settlement, naming its policy's insurer, and the organisations whose peers endorse
 * it (the hospital's and that insurer's), as the endorsers lookup finds them.
 */
async function newSettlement(body: SettlementItem, { ledger, principal, pseudonymiser }: RouteContext) {
  const item = toRequest(body, pseudonymiser);
  const { insurer, organisations } = await policyEndorsers(ledger, policyOf(item)).catch(hideForbidden);
  return { request: { ...item, insurer, actor: principal.sub }, organisations };
}

/**
 * What the items' later insurers need to see of the earlier settlements they pay towards (priorSettlement): each
 * one's current version as this hospital's peer stores it, which the chaincode checks against its public hash. One
 * this hospital cannot read is left out, and the chaincode answers for it.
 */
async function priorVersions(
  items: readonly { priorSettlement?: string }[],
  { ledger, principal }: RouteContext,
): Promise<Pick<SubmitOptions, 'transient'>> {
  const priors = [...new Set(items.flatMap((item) => item.priorSettlement ?? []))];
  if (priors.length === 0) return {};
  const versions = await Promise.all(
    priors.map((settlementId) =>
      ledger
        .evaluate<{ stored: string }>(Tx.storedSettlement, { hospital: principal.org, settlementId })
        .then(
          ({ stored }) => [stored],
          (error: unknown) => {
            itemRefusal(error);
            return [];
          },
        ),
    ),
  );
  return { transient: { [PRIOR_VERSIONS]: JSON.stringify(versions.flat()) } };
}

/** Records one settlement: its policy's insurer found first, then endorsed by the hospital and that insurer. */
async function settle(body: SettlementItem, ctx: RouteContext): Promise<Reply> {
  const { request, organisations } = await newSettlement(body, ctx);
  const { result, txId } = await ctx.ledger.submit<SubmitSettlementResult>(Tx.submitSettlement, request, {
    endorsingOrgs: organisations,
    serialiseOn: accumulatorKeys([request]),
    ...(await priorVersions([request], ctx)),
  });
  return outcomeReply(result, txId);
}

/**
 * Records a batch: items refused before the ledger (`ApiError`s, in place, with their settlement ids) and items
 * whose policy cannot be looked up get their own refusal; the others go to the ledger, in one transaction per
 * insurer (a peer endorses only what its organisation may read). Results in the order of the items.
 */
async function settleBatch(bodies: readonly (SettlementItem | Refused)[], ctx: RouteContext): Promise<Reply> {
  const { ledger, principal, pseudonymiser } = ctx;
  const items = bodies.flatMap((body) => ('refusal' in body ? [] : [toRequest(body, pseudonymiser)]));
  const lookups = await lookupPolicies(ledger, items);
  const lookupOf = (item: PatientPolicyRef) => lookups.get(patientPolicyId(item)) as PolicyLookup | ApiError;
  const accepted = items.filter((item) => !(lookupOf(item) instanceof ApiError));
  const groups = byInsurer(accepted, (item) => (lookupOf(item) as PolicyLookup).insurer);
  const replies = new Map<(typeof items)[number], ReturnType<typeof batchItemReply>>();
  const txIds = await Promise.all(
    [...groups].map(async ([insurer, group]) => {
      const endorsers = group.flatMap((item) => (lookupOf(item) as PolicyLookup).organisations);
      const submitted = await ledger.submit<SubmitSettlementBatchResult>(
        Tx.submitSettlementBatch,
        { items: group, insurer, actor: principal.sub },
        {
          endorsingOrgs: [...new Set(endorsers)].sort(),
          serialiseOn: accumulatorKeys(group),
          ...(await priorVersions(group, ctx)),
        },
      );
      submitted.result.results.forEach((outcome, i) => {
        const item = group[i];
        replies.set(
          item,
          batchItemReply(settlementOfBatchItem(item, outcome), submitted.txId, item.settlementId),
        );
      });
      return submitted.txId;
    }),
  );
  let next = 0;
  const results = bodies.map((body) => {
    if ('refusal' in body) return refusedItem(body.settlementId, body.refusal);
    const item = items[next++];
    const lookup = lookupOf(item);
    return lookup instanceof ApiError ? refusedItem(item.settlementId, lookup) : replies.get(item);
  });
  return { status: 200, body: { txId: txIds[0] ?? null, txIds, results } };
}

/** A batch item refused before it reached the ledger. */
interface Refused {
  settlementId: string;
  refusal: ApiError;
}

/**
 * The settlement of a 2207 body, checked as POST /v1/settlements checks its body; without a policyRef, the
 * patient's one policy active on the discharge date (a patient holding several must name it).
 */
async function settlementFrom2207(body: From2207Body, ctx: RouteContext): Promise<SettlementItem> {
  const converted = settlementOf2207(body);
  const policy =
    body.policyRef !== undefined ? { policyRef: body.policyRef } : await onlyPolicy(converted, ctx);
  return parse(settlementItem, { ...converted, ...policy }, 'body');
}

/** The patient's one policy active on the discharge date (of the insurer named, if one is). */
async function onlyPolicy(
  settlement: ReturnType<typeof settlementOf2207>,
  { ledger, pseudonymiser }: RouteContext,
): Promise<{ policyRef: string; insurer: string }> {
  const who =
    'patient' in settlement
      ? { patient: parse(patient, settlement.patient, 'body.patient') }
      : { patientRef: settlement.patientRef };
  const { policies } = await ledger.evaluate<Eligibility>(Tx.eligibility, {
    ...withPatientRefs(who, pseudonymiser),
    date: settlement.dischargeDate,
  });
  const candidates = policies.filter(
    (p) => settlement.insurer === undefined || p.insurer === settlement.insurer,
  );
  if (candidates.length === 0) throw notFound('the patient holds no policy active on the discharge date');
  if (candidates.length > 1) {
    const refs = candidates.map((c) => `${c.policyRef} (${c.insurer})`).join(', ');
    throw validationFailed(
      'the patient holds several policies active on the discharge date: name policyRef',
      [{ path: 'body.policyRef', message: `one of ${refs}` }],
    );
  }
  return { policyRef: candidates[0].policyRef, insurer: candidates[0].insurer };
}

/** The transactions that take a step in a settlement's life. */
type StepTx =
  | typeof Tx.payoutSettlement
  | typeof Tx.disputeSettlement
  | typeof Tx.reverseSettlement
  | typeof Tx.answerDispute
  | typeof Tx.withdrawDispute
  | typeof Tx.upholdDispute
  | typeof Tx.recoverSettlement;

/**
 * A step in a settlement's life: the same key, endorsers and idempotent reply (the transaction that took the
 * step, when it was taken before), a different transaction.
 */
async function updateSettlement(
  { ledger, principal }: RouteContext,
  tx: StepTx,
  key: SettlementKey,
  fields: object,
  recordedTxId: (s: Settlement) => string | undefined,
): Promise<Reply> {
  const endorsingOrgs = await settlementEndorsers(ledger, key).catch(hideForbidden);
  const outcome = await ledger.submit<WriteResult<Settlement>>(
    tx,
    { ...key, ...fields, actor: principal.sub },
    { endorsingOrgs },
  );
  return written(outcome, (s) => recordedTxId(s) ?? s.txId);
}

/**
 * A step in a settlement's life as a route: POST to the settlement's path and `step`, by `role`, answered as
 * updateSettlement answers. A clerk acts on its own hospital's settlements only: another hospital's are invisible
 * to it, and answered 404 without asking the ledger.
 */
function stepRoute<B extends z.ZodType<object>>(spec: {
  step: string;
  summary: string;
  role: Role;
  body: B;
  tx: StepTx;
  responses: Record<number, string>;
  errors: readonly ProblemCode[];
  /** The transaction that took this step before, for a replay's reply. */
  takenBy: (s: Settlement, body: z.output<B>) => string | undefined;
}) {
  return route({
    method: 'post',
    path: `/v1/settlements/:hospital/:settlementId${spec.step}`,
    summary: spec.summary,
    roles: [spec.role],
    params: settlementParams,
    query: noQuery,
    body: spec.body,
    responses: spec.responses,
    links: FROM_SETTLEMENT,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', ...spec.errors],
    handle: async ({ params, body }, ctx) => {
      if (spec.role === 'clerk' && params.hospital !== ctx.principal.org) throw notFound();
      return updateSettlement(ctx, spec.tx, params, body, (s) => spec.takenBy(s, body));
    },
  });
}

/**
 * Where a reply carrying a settlement (at `at` in the body, the body itself when empty) leads: its reads, the
 * next steps of its life and its transaction.
 */
function fromSettlement(at = ''): Record<string, RouteLink> {
  const parameters = { hospital: `${at}hospital`, settlementId: `${at}settlementId` };
  const base = '/v1/settlements/:hospital/:settlementId';
  return {
    read: { to: `get ${base}`, parameters },
    history: { to: `get ${base}/history`, parameters },
    payout: { to: `post ${base}/payout`, parameters },
    dispute: { to: `post ${base}/dispute`, parameters },
    answer: { to: `post ${base}/dispute/answer`, parameters },
    withdraw: { to: `post ${base}/dispute/withdraw`, parameters },
    uphold: { to: `post ${base}/dispute/uphold`, parameters },
    reversal: { to: `post ${base}/reversal`, parameters },
    recovery: { to: `post ${base}/recovery`, parameters },
    transaction: { to: 'get /v1/audit/transactions/:txId', parameters: { txId: `${at}txId` } },
  };
}
const FROM_SETTLEMENT = fromSettlement();

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
    responses: { 201: 'recorded with its split', 200: 'already recorded' },
    links: FROM_SETTLEMENT,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', 'ID_CONFLICT', 'INVALID_STATE', 'DUPLICATE_INVOICE'],
    handle: async ({ body }, ctx) => settle(body, ctx),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/batch',
    summary:
      'Record up to 100 settlements, in one transaction per insurer of their policies; each item has its own outcome',
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: settlementBatchBody,
    responses: { 200: '{txId, txIds, results: [{settlementId, status, body}]} in the order of the items' },
    returns: { schema: BATCH_RESULT },
    errors: ['NOT_FOUND'],
    handle: async ({ body }, ctx) => settleBatch(body.items, ctx),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/preview',
    summary:
      'What POST /v1/settlements would record now (split, status, payee, accumulators after), computed by the same chaincode code without writing anything',
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: settlementItem,
    responses: {
      200: '{outcome: NEW or EXISTING, split, status, payee, period, accumulatorsAfter (NEW only)}',
    },
    returns: { schema: OBJECT },
    errors: ['NOT_FOUND', 'ID_CONFLICT', 'DUPLICATE_INVOICE'],
    handle: async ({ body }, ctx) => {
      const { request } = await newSettlement(body, ctx);
      const preview = await ctx.ledger.evaluate<SettlementPreview>(Tx.previewSettlement, request);
      if (preview.outcome === 'DUPLICATE_INVOICE')
        throw new ApiError(409, 'DUPLICATE_INVOICE', 'this invoice has already been settled', {
          existing: preview.existing,
        });
      return { status: 200, body: preview };
    },
  }),
  route({
    method: 'post',
    path: '/v1/settlements/from-2207',
    summary:
      "Record a settlement from the national platform's settlement output (2207) as received: yuan become fen exactly, its funds map onto costs, figures that do not add up are refused",
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: from2207Body,
    responses: { 201: 'recorded with its split', 200: 'already recorded' },
    links: FROM_SETTLEMENT,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', 'ID_CONFLICT', 'DUPLICATE_INVOICE'],
    handle: async ({ body }, ctx) => settle(await settlementFrom2207(body, ctx), ctx),
  }),
  route({
    method: 'post',
    path: '/v1/settlements/from-2207/batch',
    summary:
      'Record up to 100 settlements from 2207 outputs; each item has its own outcome, as in /v1/settlements/batch',
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: from2207BatchBody,
    responses: { 200: '{txId, txIds, results: [{settlementId, status, body}]} in the order of the items' },
    returns: { schema: BATCH_RESULT },
    handle: async ({ body }, ctx) => {
      const items = await Promise.all(
        body.items.map(async (item): Promise<SettlementItem | Refused> => {
          try {
            return await settlementFrom2207(item, ctx);
          } catch (error) {
            return { settlementId: item.output.setlinfo.setl_id, refusal: itemRefusal(error) };
          }
        }),
      );
      return settleBatch(items, ctx);
    },
  }),
  route({
    method: 'post',
    path: '/v1/settlements/from-2208',
    summary:
      "Reverse the settlement that a national platform cancellation (2208) cancels: the caller's settlement whose settlementId is its setl_id",
    roles: ['clerk'],
    params: noParams,
    query: noQuery,
    body: from2208Body,
    responses: { 201: 'reversed', 200: 'already reversed with this reason' },
    links: FROM_SETTLEMENT,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', 'INVALID_STATE', 'ID_CONFLICT'],
    handle: async ({ body }, ctx) => {
      const key = { hospital: ctx.principal.org, settlementId: body.cancellation.setl_id };
      const reason = body.reason ?? `cancelled on the national platform (2208, setl_id ${key.settlementId})`;
      return updateSettlement(ctx, Tx.reverseSettlement, key, { reason }, (s) => s.reversal?.by.txId);
    },
  }),
  route({
    method: 'get',
    path: '/v1/settlements',
    summary:
      'Settlements the caller may see, in ledger key order (hospital, then settlement id), filtered; dates filter the discharge date; page with nextCursor',
    roles: ALL_ROLES,
    params: noParams,
    query: settlementListQuery,
    responses: { 200: '{items, nextCursor}' },
    links: fromSettlement('items/0/'),
    returns: { schema: PAGE },
    handle: async ({ query }, { ledger }) => paged(ledger, Tx.listSettlements, query),
  }),
  route({
    method: 'get',
    path: '/v1/settlements/:hospital/:settlementId',
    summary: 'A settlement (its hospital, its insurer, auditors)',
    roles: ALL_ROLES,
    params: settlementParams,
    query: noQuery,
    responses: { 200: 'the settlement' },
    links: FROM_SETTLEMENT,
    errors: ['NOT_FOUND'],
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
    responses: { 200: '{items: [{txId, timestamp, mspId, isDelete, value}]}, oldest first' },
    returns: { schema: itemsOf(OBJECT) },
    errors: ['NOT_FOUND'],
    handle: async ({ params }, { ledger }) => ({
      status: 200,
      body: {
        items: await ledger
          .evaluate<HistoryEntry<Settlement>[]>(Tx.settlementHistory, params)
          .catch(hideForbidden),
      },
    }),
  }),
  stepRoute({
    step: '/payout',
    summary: "Confirm the insurer's payout; the amount must equal the commercial share",
    role: 'adjuster',
    body: payoutBody,
    tx: Tx.payoutSettlement,
    responses: { 201: 'paid', 200: 'already paid with this content' },
    errors: ['INVALID_STATE', 'AMOUNT_MISMATCH'],
    takenBy: (s) => s.payout?.by.txId,
  }),
  stepRoute({
    step: '/dispute',
    summary: 'Dispute a settlement awaiting payout (once)',
    role: 'adjuster',
    body: reasonBody,
    tx: Tx.disputeSettlement,
    responses: { 201: 'disputed', 200: 'already disputed' },
    errors: ['INVALID_STATE'],
    takenBy: (s) => s.dispute?.by.txId,
  }),
  stepRoute({
    step: '/dispute/answer',
    summary:
      "The hospital's answer to a dispute: its reason and the hash of its evidence; the status stays DISPUTED",
    role: 'clerk',
    body: disputeAnswerBody,
    tx: Tx.answerDispute,
    responses: { 201: 'answered', 200: 'already answered alike' },
    errors: ['INVALID_STATE', 'ID_CONFLICT'],
    takenBy: (s) => s.dispute?.answer?.by.txId,
  }),
  stepRoute({
    step: '/dispute/withdraw',
    summary: 'Withdraw a dispute: the settlement awaits payout again',
    role: 'adjuster',
    body: disputeDecisionBody,
    tx: Tx.withdrawDispute,
    responses: { 201: 'withdrawn: AWAITING_PAYOUT', 200: 'already withdrawn alike' },
    errors: ['INVALID_STATE', 'ID_CONFLICT'],
    takenBy: (s) => s.dispute?.decision?.by.txId,
  }),
  stepRoute({
    step: '/dispute/uphold',
    summary:
      'Uphold a dispute: the settlement is REJECTED for good and its policy gets back what it took of the caps and deductibles',
    role: 'adjuster',
    body: disputeDecisionBody,
    tx: Tx.upholdDispute,
    responses: { 201: 'upheld: REJECTED', 200: 'already upheld alike' },
    errors: ['INVALID_STATE', 'ID_CONFLICT'],
    takenBy: (s) => s.dispute?.decision?.by.txId,
  }),
  stepRoute({
    step: '/recovery',
    summary:
      'Record money taken back after payment (追回): in part (stays PAID) or in full (RECOVERED); one recovery per reference',
    role: 'adjuster',
    body: recoveryBody,
    tx: Tx.recoverSettlement,
    responses: { 201: 'recovered', 200: 'this reference was already recorded alike' },
    errors: ['INVALID_STATE', 'AMOUNT_MISMATCH', 'ID_CONFLICT'],
    takenBy: (s, body) => s.recoveries?.find((r) => r.reference === body.reference)?.by.txId,
  }),
  stepRoute({
    step: '/reversal',
    summary: 'Reverse a settlement of this hospital before it is paid',
    role: 'clerk',
    body: reasonBody,
    tx: Tx.reverseSettlement,
    responses: { 201: 'reversed', 200: 'already reversed' },
    errors: ['INVALID_STATE'],
    takenBy: (s) => s.reversal?.by.txId,
  }),
];
