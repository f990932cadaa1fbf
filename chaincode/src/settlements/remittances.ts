/**
 * Remittances (汇款明细): which settlements of one hospital a payment of an insurer covered, found by the payment's
 * reference. Every payout joins the remittance of its reference, whether paid alone or in a bulk payout; the
 * record is in the pair's collection, since amounts are the pair's business.
 */
import type { Pair, Remittance, Settlement } from '../api';
import { settlementsCollection } from '../collections';
import { idConflict } from '../errors';
import { KeyType, type Ledger } from '../ledger';

type Payout = NonNullable<Settlement['payout']>;

const remittanceKey = (ledger: Ledger, insurer: string, paymentReference: string): string =>
  ledger.key(KeyType.remittance, insurer, paymentReference);

export async function findRemittance(
  ledger: Ledger,
  { hospital, insurer }: Pair,
  paymentReference: string,
): Promise<Remittance | undefined> {
  const key = remittanceKey(ledger, insurer, paymentReference);
  return ledger.get<Remittance>(key, settlementsCollection(hospital, insurer));
}

/** Adds a payout to its reference's remittance; one reference is one payment, so it has one date. */
export async function joinRemittance(ledger: Ledger, s: Settlement, payout: Payout): Promise<void> {
  const { hospital, insurer, settlementId } = s;
  const { paymentReference, paidAt, amount } = payout;
  const before = await findRemittance(ledger, s, paymentReference);
  if (before !== undefined && before.paidAt !== paidAt)
    throw idConflict(`payment ${paymentReference}, made on ${before.paidAt},`);
  const remittance: Remittance = {
    insurer,
    hospital,
    paymentReference,
    paidAt,
    items: [...(before?.items ?? []), { settlementId, amount }],
    total: (before?.total ?? 0) + amount,
  };
  const key = remittanceKey(ledger, insurer, paymentReference);
  await ledger.put(key, remittance, settlementsCollection(hospital, insurer));
}
