/**
 * Recording one settlement: idempotency by (hospital, settlementId), duplicate-invoice alerts (one per
 * attempt, however often it is retried), the policy and consent checks, the split and the accumulators.
 * Shared by Settlements:submit and Settlements:submitBatch.
 */
import {
  SETTLEMENT_ITEM_FIELDS,
  type Alert,
  type Pair,
  type Settlement,
  type SettlementKey,
  type SubmitSettlementResult,
} from '../api';
import { hasConsent } from '../authorisations/consent';
import { idConflict } from '../errors';
import { stampSeal } from '../hospital-seal';
import { KeyType, type Ledger } from '../ledger';
import { findPatientPolicy, noPatientPolicy } from '../policies/record';
import { pseudonymsOf } from '../pseudonyms';
import { latestProduct } from '../products/record';
import { pick, sameContent } from '../records';
import { periodKey } from '../periods';
import { PAYEE_OF_MODE, type SettlementItem } from '../schemas';
import { computeSplit, type Accumulators } from '../split';
import { ensure } from '../validation';
import {
  accumulatorsFor,
  loadAccumulators,
  storeAccumulators,
  type PolicyAccumulators,
} from './accumulators';
import { findAlert, raiseAlert, raisePeriodChanged } from '../alerts';
import type { EventPart } from '../events';
import { priorDetails, recordCoordination, remainingShare } from './coordination';
import { invoiceUses, recordInvoiceUse, reuseOf, type Reuse } from './invoices';
import { findStub, settlementAt, storeSettlement, type SettlementStub } from './record';
import { recordStay } from './stays';

/** An item's result and what it adds to its transaction's event (nothing when it wrote nothing). */
export interface Submitted {
  result: SubmitSettlementResult;
  events: EventPart[];
}

const contentOf = (s: SettlementItem): object => pick(s, SETTLEMENT_ITEM_FIELDS);

/** What recording an item would do, worked out from the ledger as it stands, before anything is written. */
export type Plan =
  | { outcome: 'EXISTING'; settlement: Settlement }
  | { outcome: 'DUPLICATE_INVOICE'; invoiceHash: string; used: SettlementKey }
  | {
      outcome: 'RECORDED';
      settlement: Settlement;
      accumulators: PolicyAccumulators;
      accumulatorsAfter: Accumulators;
      /** The invoice's record the settlement joins: its hash (maybe a former one) and the uses before. */
      invoice: { hash: string; uses: SettlementKey[] };
    };

/**
 * Works out `item` for `hospital` on the policy of `insurer`: the checks, the split and the accumulators after
 * it. Writes nothing: a submit applies the plan, a preview only reports it.
 */
export async function planSettlement(
  ledger: Ledger,
  hospital: string,
  insurer: string,
  user: string,
  item: SettlementItem,
): Promise<Plan> {
  const stub = await findStub(ledger, { hospital, settlementId: item.settlementId });
  if (stub) {
    // With another insurer the content differs, and its details are in a collection the endorsers cannot read.
    const existing = stub.insurer === insurer ? await settlementAt(ledger, stub) : undefined;
    if (!existing || !sameContent<SettlementItem>(existing, item, contentOf))
      throw idConflict(`settlement ${item.settlementId}`);
    return { outcome: 'EXISTING', settlement: existing };
  }
  ensure(
    item.dischargeDate <= ledger.txDate,
    `dischargeDate ${item.dischargeDate} must not be after the transaction date ${ledger.txDate}`,
  );
  // Bad references are refused before the invoice check, so they never leave an alert behind.
  const policy = await findPatientPolicy(ledger, item, insurer);
  ensure(policy !== undefined, noPatientPolicy(item.policyRef));
  ensure(
    policy.validFrom <= item.dischargeDate && item.dischargeDate <= policy.validTo,
    `dischargeDate ${item.dischargeDate} is outside the policy's validity`,
  );
  const invoice = await invoiceOf(ledger, { hospital, insurer, ...item });
  if ('used' in invoice) return { outcome: 'DUPLICATE_INVOICE', ...invoice };
  let remainingPatientShare: number | undefined;
  if (invoice.prior !== undefined) {
    remainingPatientShare = remainingShare(await priorDetails(ledger, invoice.prior), item.costs);
    if (remainingPatientShare === undefined) {
      const used = { hospital, settlementId: invoice.prior.settlementId };
      return { outcome: 'DUPLICATE_INVOICE', invoiceHash: invoice.hash, used };
    }
  }

  const product = await latestProduct(ledger, policy.productId);
  ensure(product !== undefined, `product ${policy.productId} of the policy is not known`);

  const period = periodKey(product.accumulatorPeriod, policy.validFrom, item.dischargeDate);
  const accumulators = await loadAccumulators(ledger, policy.insurer, policy.policyRef);
  const { accumulatorsAfter, ...split } = computeSplit({
    product,
    accumulatorsBefore: accumulatorsFor(accumulators, period),
    costs: item.costs,
    remainingPatientShare,
    consent: await hasConsent(
      ledger,
      pseudonymsOf(item.patientRef, item.formerPatientRefs),
      policy.insurer,
      ledger.txDate,
    ),
  });
  const settlement: Settlement = {
    ...pick(item, SETTLEMENT_ITEM_FIELDS),
    hospital,
    insurer: policy.insurer,
    productId: product.productId,
    productVersion: product.version,
    payee: PAYEE_OF_MODE[item.mode],
    period,
    split,
    status: split.commercialShare > 0 ? 'AWAITING_PAYOUT' : 'NOTHING_DUE',
    recordedBy: ledger.actor(user),
    txId: ledger.txId,
  };
  return { outcome: 'RECORDED', settlement, accumulators, accumulatorsAfter, invoice };
}

/**
 * The record of the item's invoice it would join (with the earlier settlement it pays towards, if it names one and
 * may), or the use it would duplicate. The invoice may have been recorded under a former key's hash, before a key
 * rotation: the alert then names that hash, which links it to the earlier settlement, and a later use joins that
 * record.
 */
async function invoiceOf(
  ledger: Ledger,
  item: Reuse & Pick<SettlementItem, 'invoiceHash' | 'formerInvoiceHashes'>,
): Promise<
  | { hash: string; uses: SettlementKey[]; prior?: SettlementStub }
  | { invoiceHash: string; used: SettlementKey }
> {
  for (const hash of pseudonymsOf(item.invoiceHash, item.formerInvoiceHashes)) {
    const uses = await invoiceUses(ledger, hash);
    if (uses.length === 0) continue;
    const reuse = await reuseOf(ledger, item, uses);
    return 'duplicates' in reuse
      ? { invoiceHash: hash, used: reuse.duplicates }
      : { hash, uses, prior: reuse.prior };
  }
  for (const field of ['supersedes', 'priorSettlement'] as const)
    ensure(item[field] === undefined, `${field}: settlement ${item[field]} did not use this invoice`);
  return { hash: item.invoiceHash, uses: [] };
}

/**
 * Records `item` for `hospital` on the policy of `insurer`, which the transaction's endorsers are: the hospital's
 * and the insurer's peers, the only ones besides the regulator's that may read the policy and the settlement.
 * Alerts are numbered from `alertId`: the first is `alertId`, the next `alertId.1` and so on.
 */
export async function submitOne(
  ledger: Ledger,
  hospital: string,
  insurer: string,
  user: string,
  item: SettlementItem,
  alertId: string,
): Promise<Submitted> {
  const plan = await planSettlement(ledger, hospital, insurer, user, item);
  if (plan.outcome === 'EXISTING') return { result: plan, events: [] };
  if (plan.outcome === 'DUPLICATE_INVOICE') {
    const attempt = { ...item, invoiceHash: plan.invoiceHash };
    return recordDuplicate(ledger, { hospital, insurer }, user, attempt, alertId, plan.used);
  }
  const { settlement, accumulators, accumulatorsAfter, invoice } = plan;
  // Every later change (payout, dispute, reversal) needs both parties' peers.
  const periodChanged = await storeSettlement(ledger, settlement);
  const key: SettlementKey = { hospital, settlementId: item.settlementId };
  await recordInvoiceUse(ledger, invoice.hash, invoice.uses, key, item.supersedes);
  await recordCoordination(ledger, settlement);
  await ledger.putIndex(
    ledger.key(KeyType.settlementByInsurer, settlement.insurer, hospital, item.settlementId),
  );
  await storeAccumulators(ledger, accumulators, settlement.period, accumulatorsAfter);
  await stampSeal(ledger, hospital);
  const events: EventPart[] = [{ parties: [hospital, settlement.insurer], refs: [key] }];
  // A settlement recorded late, in a month both parties have confirmed, changes their statement.
  if (periodChanged) events.push(await raisePeriodChanged(ledger, user, settlement, `${alertId}.period`));
  const patientRefs = pseudonymsOf(item.patientRef, item.formerPatientRefs);
  for (const [n, other] of (await recordStay(ledger, settlement, patientRefs)).entries()) {
    const alert = await raiseAlert(ledger, user, {
      alertId: n === 0 ? alertId : `${alertId}.${n}`,
      type: 'OVERLAPPING_STAY',
      attempted: { hospital, settlementId: item.settlementId, insurer: settlement.insurer },
      existing: other,
    });
    events.push({ parties: alert.parties, refs: [{ alertId: alert.alertId }] });
  }
  return { result: { outcome: 'RECORDED', settlement }, events };
}

/** One alert per attempt to reuse an invoice, however often the attempt is retried. */
async function recordDuplicate(
  ledger: Ledger,
  { hospital, insurer }: Pair,
  user: string,
  item: SettlementItem,
  alertId: string,
  existing: SettlementKey,
): Promise<Submitted> {
  const attemptKey = ledger.key(KeyType.alertOfAttempt, item.invoiceHash, hospital, item.settlementId);
  const earlier = await ledger.get<{ alertId: string }>(attemptKey);
  if (earlier) {
    const alert = (await findAlert(ledger, earlier.alertId)) as Alert;
    return { result: { outcome: 'DUPLICATE_INVOICE', alert, existing: alert.existing }, events: [] };
  }
  const alert = await raiseAlert(ledger, user, {
    alertId,
    type: 'DUPLICATE_INVOICE',
    invoiceHash: item.invoiceHash,
    attempted: { hospital, settlementId: item.settlementId, insurer },
    existing,
  });
  await ledger.put(attemptKey, { alertId });
  return {
    result: { outcome: 'DUPLICATE_INVOICE', alert, existing },
    events: [{ parties: alert.parties, refs: [{ alertId }] }],
  };
}
