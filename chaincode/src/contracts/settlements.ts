/**
 * Settlements: submit (hospital); payout, dispute, its withdrawal or upholding and recovery (its insurer); answer to
 * a dispute and reversal (its hospital); and reads.
 */
import { Transaction } from 'fabric-contract-api';
import type { z } from 'zod';
import {
  batchItemResult,
  EventName,
  type Actor,
  type EndorsersResult,
  type PayoutBatchResult,
  type PayoutItemResult,
  type HistoryEntry,
  type ParticipantKind,
  type Settlement,
  type SettlementItem,
  type SettlementKey,
  type SettlementPreview,
  type SubmitBatchItemResult,
  type SubmitSettlementBatchResult,
} from '../api';
import { ensureRegisteredPair, visible, type Caller } from '../access';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { ChaincodeError, forbidden, notFound } from '../errors';
import type { Ledger } from '../ledger';
import { noPatientPolicy, patientPolicyInsurer } from '../policies/record';
import * as requests from '../schemas';
import {
  ANSWER,
  DISPUTE,
  PAYOUT,
  RECOVERY,
  REVERSAL,
  applyStep,
  UPHOLDING,
  WITHDRAWAL,
  type Step,
} from '../settlements/lifecycle';
import { pageOfSettlements } from '../settlements/queries';
import {
  findStub,
  lastActor,
  settlementAt,
  settlementKey,
  settlementParties,
  storedVersion,
  storedVersions,
  type SettlementStub,
} from '../settlements/record';
import { withReplacement } from '../settlements/invoices';
import { findRemittance } from '../settlements/remittances';
import { planSettlement, submitOne } from '../settlements/submit';
import { eventOf, sortedUnique, type EventPart } from '../events';
import { writeResult } from '../records';
import { check, ensure, parseRequest } from '../validation';

async function visibleStub(ledger: Ledger, caller: Caller, key: SettlementKey): Promise<SettlementStub> {
  const what = `settlement ${key.hospital}/${key.settlementId}`;
  return visible(caller, await findStub(ledger, key), settlementParties, what);
}

/** The insurer a new settlement is made with: the gateway finds it (Settlements:endorsers) when its caller did not. */
function insurerOf(item: SettlementItem): string {
  ensure(item.insurer !== undefined, "insurer: name the policy's insurer");
  return item.insurer;
}

/** A step on an existing settlement, by a caller of `kind`: the request names the settlement and the details. */
async function step<S extends z.ZodType<SettlementKey & { actor: string }>, R extends { by: Actor }>(
  ctx: LedgerContext,
  kind: ParticipantKind,
  schema: S,
  next: Step<Omit<z.output<S>, 'actor' | 'hospital' | 'settlementId'>, R>,
): Promise<string> {
  const { ledger } = ctx;
  const caller = await ctx.caller(kind);
  const { actor, hospital, settlementId, ...details } = ctx.request(schema);
  const key = { hospital, settlementId };
  const { created, record, events } = await applyStep(ledger, caller, key, next, details, actor);
  if (created) ledger.emit({ ...eventOf(next.event, events), status: record.status });
  return writeResult(created, record);
}

export class SettlementsContract extends LedgerContract {
  constructor() {
    super('Settlements');
  }

  /** Throws on any refusal; DUPLICATE_INVOICE is an outcome, since the alert must commit. */
  @Transaction()
  async submit(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL');
    const { actor, ...item } = ctx.request(requests.submitSettlement);
    const { result, events } = await submitOne(
      ledger,
      caller.mspId,
      insurerOf(item),
      actor,
      item,
      ledger.txId,
    );
    if (result.outcome === 'RECORDED') {
      const status = result.settlement.status;
      ledger.emit({ ...eventOf(EventName.SettlementRecorded, events), status });
    } else if (events.length > 0) {
      ledger.emit(eventOf(EventName.DuplicateInvoice, events));
    }
    return canonicalJson(result);
  }

  /**
   * Each item follows submit's rules and gets its own result: a refused item is REJECTED with its error
   * while the others are recorded. Items see each other's writes (accumulators, invoice hashes, alerts).
   * A new alert's id is the transaction id followed by "-" and the item's index.
   */
  @Transaction()
  async submitBatch(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    ledger.deferWrites();
    const caller = await ctx.caller('HOSPITAL');
    const { actor, insurer, items } = ctx.request(requests.submitSettlementBatch);
    const results: SubmitBatchItemResult[] = [];
    const parts: EventPart[] = [];
    for (const [index, raw] of items.entries()) {
      try {
        const item = check(requests.settlementItem, raw, ['items', index]);
        ensure(
          (item.insurer ?? insurer) === insurer,
          `items[${index}].insurer: a batch's items are settled with its insurer ${insurer}`,
        );
        const alertId = `${ledger.txId}-${index}`;
        const { result, events } = await submitOne(ledger, caller.mspId, insurer, actor, item, alertId);
        results.push(batchItemResult(result));
        parts.push(...events);
      } catch (error) {
        if (!(error instanceof ChaincodeError)) throw error;
        results.push({ outcome: 'REJECTED', error: error.body });
      }
    }
    await ledger.flush();
    if (parts.length > 0) ledger.emit(eventOf(EventName.SettlementsRecorded, parts));
    return canonicalJson({ results } satisfies SubmitSettlementBatchResult);
  }

  @Transaction()
  async payout(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'INSURER', requests.payout, PAYOUT);
  }

  @Transaction()
  async dispute(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'INSURER', requests.settlementReason, DISPUTE);
  }

  @Transaction()
  async answerDispute(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'HOSPITAL', requests.disputeAnswer, ANSWER);
  }

  @Transaction()
  async withdrawDispute(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'INSURER', requests.disputeDecision, WITHDRAWAL);
  }

  /** Rejects the settlement for good; its accumulators are given back what it took. */
  @Transaction()
  async upholdDispute(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'INSURER', requests.disputeDecision, UPHOLDING);
  }

  @Transaction()
  async reverse(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'HOSPITAL', requests.settlementReason, REVERSAL);
  }

  @Transaction()
  async recover(ctx: LedgerContext): Promise<string> {
    return step(ctx, 'INSURER', requests.recovery, RECOVERY);
  }

  /**
   * One payment over many settlements of one hospital: each item is paid as a payout alone would be (its amount the
   * commercial share, the settlement awaiting payout), or refused with its error while the others are paid; the
   * remittance of the payment's reference lists every settlement it covered.
   */
  @Transaction()
  async payoutBatch(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    ledger.deferWrites();
    const caller = await ctx.caller('INSURER');
    const { actor, hospital, items, ...payment } = ctx.request(requests.payoutBatch);
    const results: PayoutItemResult[] = [];
    const parts: EventPart[] = [];
    for (const [index, { settlementId, amount }] of items.entries()) {
      try {
        const key = { hospital, settlementId };
        const paid = await applyStep(
          ledger,
          caller,
          key,
          PAYOUT,
          { amount, ...payment },
          actor,
          `${ledger.txId}-${index}`,
        );
        const txId = paid.record.payout?.by.txId ?? paid.record.txId;
        results.push({ settlementId, outcome: paid.created ? 'PAID' : 'EXISTING', txId });
        parts.push(...paid.events);
      } catch (error) {
        if (!(error instanceof ChaincodeError)) throw error;
        results.push({ settlementId, outcome: 'REJECTED', error: error.body });
      }
    }
    // Read only once a settlement of the pair was found: no other pair has a collection to read.
    const found = results.some((result) => result.outcome !== 'REJECTED');
    const pair = { hospital, insurer: caller.mspId };
    const remittance = found ? await findRemittance(ledger, pair, payment.paymentReference) : undefined;
    await ledger.flush();
    if (parts.length > 0) ledger.emit(eventOf(EventName.SettlementsPaid, parts));
    const empty = { insurer: caller.mspId, hospital, ...payment, items: [], total: 0 };
    return canonicalJson({ results, remittance: remittance ?? empty } satisfies PayoutBatchResult);
  }

  /** Which settlements a payment covered: for the hospital, the insurer and regulators. */
  @Transaction(false)
  async remittance(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    const { paymentReference, ...pair } = parseRequest(request, requests.remittanceKey);
    const what = `payment ${paymentReference} of ${pair.insurer} to ${pair.hospital}`;
    visible(caller, pair, settlementParties, what);
    await ensureRegisteredPair(ctx.ledger, pair, what);
    const remittance = await findRemittance(ctx.ledger, pair, paymentReference);
    if (remittance === undefined) throw notFound(what);
    return canonicalJson(remittance);
  }

  /**
   * What submit would record now, by the same code path (planSettlement), without writing anything: run as an
   * evaluation, it makes no block. A DUPLICATE_INVOICE preview writes no alert.
   */
  @Transaction(false)
  async preview(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL');
    const { actor, ...item } = parseRequest(request, requests.submitSettlement);
    const plan = await planSettlement(ledger, caller.mspId, insurerOf(item), actor, item);
    let preview: SettlementPreview;
    if (plan.outcome === 'DUPLICATE_INVOICE') {
      preview = { outcome: plan.outcome, existing: plan.used };
    } else {
      const { split, status, payee, period } = plan.settlement;
      const after = plan.outcome === 'RECORDED' && { accumulatorsAfter: plan.accumulatorsAfter };
      const outcome = plan.outcome === 'RECORDED' ? 'NEW' : 'EXISTING';
      preview = { outcome, split, status, payee, period, ...after };
    }
    return canonicalJson(preview);
  }

  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const stub = await visibleStub(ledger, caller, parseRequest(request, requests.settlementKey));
    return canonicalJson(await withReplacement(ledger, await settlementAt(ledger, stub)));
  }

  /**
   * The current version of the details exactly as stored, salt included: the bytes whose hash the stub and the block
   * carry. A hospital's gateway sends them to the peer of a later insurer that pays towards the settlement.
   */
  @Transaction(false)
  async stored(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const stub = await visibleStub(ledger, caller, parseRequest(request, requests.settlementKey));
    return canonicalJson({ stored: await storedVersion(ledger, stub) });
  }

  /** The settlement's keys and every version of its details as stored, for its evidence package. */
  @Transaction(false)
  async evidence(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const stub = await visibleStub(ledger, caller, parseRequest(request, requests.settlementKey));
    return canonicalJson(await storedVersions(ledger, stub));
  }

  /**
   * Every version, oldest first, with the organisation that wrote it: the stub's history says which
   * transactions wrote it, and each kept the version of the details it wrote.
   */
  @Transaction(false)
  async history(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const key = parseRequest(request, requests.settlementKey);
    const current = await visibleStub(ledger, caller, key);
    const entries: HistoryEntry<Settlement>[] = [];
    for (const { value: stub, ...version } of await ledger.history<SettlementStub>(
      settlementKey(ledger, key),
    )) {
      const value = stub && (await settlementAt(ledger, current, stub.txId));
      entries.push({ ...version, value, mspId: value ? lastActor(value).mspId : '' });
    }
    return canonicalJson(entries);
  }

  @Transaction(false)
  async list(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const { limit, bookmark, ...filter } = parseRequest(request, requests.listSettlements);
    return canonicalJson(await pageOfSettlements(ledger, caller, filter, limit, bookmark));
  }

  /**
   * The organisations whose peers must endorse a settlement write. For a new settlement (by policyRef) only a
   * hospital may ask; it learns the policy's insurer, as submitting would tell it anyway. For an existing one,
   * its parties and regulators learn both.
   */
  @Transaction(false)
  async endorsers(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const req = parseRequest(request, requests.endorsers);
    let result: EndorsersResult;
    if ('policyRef' in req) {
      if (caller.kind !== 'HOSPITAL') throw forbidden('only hospitals submit settlements');
      const insurer = await patientPolicyInsurer(ledger, req);
      ensure(insurer !== undefined, noPatientPolicy(req.policyRef));
      result = { organisations: sortedUnique([caller.mspId, insurer]), insurer };
    } else {
      result = { organisations: sortedUnique(settlementParties(await visibleStub(ledger, caller, req))) };
    }
    return canonicalJson(result);
  }
}
