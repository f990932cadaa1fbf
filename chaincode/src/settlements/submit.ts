/**
 * Recording one settlement: idempotency by (hospital, settlementId), duplicate-invoice alerts (one per
 * attempt, however often it is retried), the policy and consent checks, the split and the accumulators.
 * Shared by Settlements:submit and Settlements:submitBatch.
 */
import {
  SETTLEMENT_ITEM_FIELDS,
  type Alert,
  type LedgerEvent,
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
import { findStub, settlementAt, storeSettlement } from './record';

/** What one item adds to its transaction's event (absent when the item wrote nothing). */
export type EventPart = Pick<LedgerEvent, 'parties' | 'refs'>;

export interface Submitted {
  result: SubmitSettlementResult;
  event?: EventPart;
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
  // The invoice may have been recorded under a former key's hash, before a key rotation.
  for (const invoiceHash of pseudonymsOf(item.invoiceHash, item.formerInvoiceHashes)) {
    const used = await ledger.get<SettlementKey>(ledger.key(KeyType.invoice, invoiceHash));
    // The alert names the hash the invoice was recorded under, which links it to the earlier settlement.
    if (used) return { outcome: 'DUPLICATE_INVOICE', invoiceHash, used };
  }

  const product = await latestProduct(ledger, policy.productId);
  ensure(product !== undefined, `product ${policy.productId} of the policy is not known`);

  const period = periodKey(product.accumulatorPeriod, policy.validFrom, item.dischargeDate);
  const accumulators = await loadAccumulators(ledger, policy.insurer, policy.policyRef);
  const { accumulatorsAfter, ...split } = computeSplit({
    product,
    accumulatorsBefore: accumulatorsFor(accumulators, period),
    costs: item.costs,
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
  return { outcome: 'RECORDED', settlement, accumulators, accumulatorsAfter };
}

/**
 * Records `item` for `hospital` on the policy of `insurer`, which the transaction's endorsers are: the hospital's
 * and the insurer's peers, the only ones besides the regulator's that may read the policy and the settlement.
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
  if (plan.outcome === 'EXISTING') return { result: plan };
  if (plan.outcome === 'DUPLICATE_INVOICE') {
    const attempt = { ...item, invoiceHash: plan.invoiceHash };
    return recordAlert(ledger, { hospital, insurer }, user, attempt, alertId, plan.used);
  }
  const { settlement, accumulators, accumulatorsAfter } = plan;
  // Every later change (payout, dispute, reversal) needs both parties' peers.
  await storeSettlement(ledger, settlement, true);
  const key: SettlementKey = { hospital, settlementId: item.settlementId };
  await ledger.put(ledger.key(KeyType.invoice, item.invoiceHash), key);
  await ledger.putIndex(
    ledger.key(KeyType.settlementByInsurer, settlement.insurer, hospital, item.settlementId),
  );
  await storeAccumulators(ledger, accumulators, settlement.period, accumulatorsAfter);
  await stampSeal(ledger, hospital);
  return {
    result: { outcome: 'RECORDED', settlement },
    event: { parties: [hospital, settlement.insurer], refs: [key] },
  };
}

/** Every member holds alerts, so they name the parties of the attempt but not its policy. */
async function recordAlert(
  ledger: Ledger,
  { hospital, insurer }: { hospital: string; insurer: string },
  user: string,
  item: SettlementItem,
  alertId: string,
  existing: SettlementKey,
): Promise<Submitted> {
  // Keyed by the attempt, so a retry finds its alert and writes nothing.
  const key = ledger.key(KeyType.alert, item.invoiceHash, hospital, item.settlementId);
  const earlier = await ledger.get<Alert>(key);
  if (earlier)
    return { result: { outcome: 'DUPLICATE_INVOICE', alert: earlier, existing: earlier.existing } };
  const submitter = ledger.actor(user);
  const alert: Alert = {
    alertId,
    type: 'DUPLICATE_INVOICE',
    invoiceHash: item.invoiceHash,
    attempted: { hospital, settlementId: item.settlementId, insurer },
    existing,
    submitter,
    at: submitter.at,
  };
  await ledger.put(key, alert);
  await stampSeal(ledger, hospital);
  return {
    result: { outcome: 'DUPLICATE_INVOICE', alert, existing },
    event: { parties: [hospital], refs: [{ alertId }] },
  };
}
