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
import type { SettlementItem } from '../schemas';
import { computeSplit } from '../split';
import { ensure } from '../validation';
import { accumulatorsFor, loadAccumulators, storeAccumulators, yearOf } from './accumulators';
import { findSettlement, settlementKey } from './record';

/** What one item adds to its transaction's event (absent when the item wrote nothing). */
export type EventPart = Pick<LedgerEvent, 'parties' | 'refs'>;

export interface Submitted {
  result: SubmitSettlementResult;
  event?: EventPart;
}

const contentOf = (s: SettlementItem): object => pick(s, SETTLEMENT_ITEM_FIELDS);

export async function submitOne(
  ledger: Ledger,
  hospital: string,
  user: string,
  item: SettlementItem,
  alertId: string,
): Promise<Submitted> {
  const existing = await findSettlement(ledger, { hospital, settlementId: item.settlementId });
  if (existing) {
    if (!sameContent<SettlementItem>(existing, item, contentOf))
      throw idConflict(`settlement ${item.settlementId}`);
    return { result: { outcome: 'EXISTING', settlement: existing } };
  }
  ensure(
    item.dischargeDate <= ledger.txDate,
    `dischargeDate ${item.dischargeDate} must not be after the transaction date ${ledger.txDate}`,
  );
  // Bad references are refused before the invoice check, so they never leave an alert behind.
  const policy = await findPatientPolicy(ledger, item);
  ensure(policy !== undefined, noPatientPolicy(item.policyRef));
  ensure(
    policy.validFrom <= item.dischargeDate && item.dischargeDate <= policy.validTo,
    `dischargeDate ${item.dischargeDate} is outside the policy's validity`,
  );
  // The invoice may have been recorded under a former key's hash, before a key rotation.
  for (const invoiceHash of pseudonymsOf(item.invoiceHash, item.formerInvoiceHashes)) {
    const used = await ledger.get<{ hospital: string; settlementId: string }>(
      ledger.key(KeyType.invoice, invoiceHash),
    );
    // The alert names the hash the invoice was recorded under, which links it to the earlier settlement.
    if (used) return recordAlert(ledger, hospital, user, { ...item, invoiceHash }, alertId, used);
  }

  const product = await latestProduct(ledger, policy.productId);
  ensure(product !== undefined, `product ${policy.productId} of the policy is not known`);

  const year = yearOf(item.dischargeDate);
  const accumulators = await loadAccumulators(ledger, policy.insurer, policy.policyRef);
  const { accumulatorsAfter, ...split } = computeSplit({
    product,
    accumulatorsBefore: accumulatorsFor(accumulators, year),
    costs: item.costs,
    consent: await hasConsent(
      ledger,
      pseudonymsOf(item.patientRef, item.formerPatientRefs),
      policy.insurer,
      ledger.txDate,
    ),
  });
  const recordedBy = ledger.actor(user);
  const settlement: Settlement = {
    ...pick(item, SETTLEMENT_ITEM_FIELDS),
    hospital,
    insurer: policy.insurer,
    productId: product.productId,
    productVersion: product.version,
    split,
    status: split.commercialShare > 0 ? 'AWAITING_PAYOUT' : 'NOTHING_DUE',
    recordedBy,
    txId: ledger.txId,
  };
  const key = settlementKey(ledger, settlement);
  await ledger.put(key, settlement);
  // Every later change (payout, dispute, reversal) needs both parties' peers.
  await ledger.requireEndorsement(key, [hospital, policy.insurer]);
  await ledger.put(ledger.key(KeyType.invoice, item.invoiceHash), {
    hospital,
    settlementId: item.settlementId,
  });
  await ledger.putIndex(ledger.key(KeyType.settlementByInsurer, policy.insurer, hospital, item.settlementId));
  await storeAccumulators(ledger, accumulators, year, accumulatorsAfter);
  await stampSeal(ledger, hospital);
  return {
    result: { outcome: 'RECORDED', settlement },
    event: { parties: [hospital, policy.insurer], refs: [{ hospital, settlementId: item.settlementId }] },
  };
}

async function recordAlert(
  ledger: Ledger,
  hospital: string,
  user: string,
  item: SettlementItem,
  alertId: string,
  existing: { hospital: string; settlementId: string },
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
    attempted: { hospital, settlementId: item.settlementId, policyRef: item.policyRef },
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
