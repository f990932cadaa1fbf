/** A policy's accumulators, every year in one key of its insurer's collection. */
import { policiesCollection } from '../collections';
import { KeyType, type Ledger } from '../ledger';
import { emptyAccumulators, type Accumulators } from '../split';

export interface PolicyAccumulators {
  insurer: string;
  policyRef: string;
  /** By period of the discharge date (periods.ts): a calendar year ("2026") or a policy year ("2026-04-01"). */
  years: Record<string, Accumulators>;
}

export function emptyPolicyAccumulators(insurer: string, policyRef: string): PolicyAccumulators {
  return { insurer, policyRef, years: {} };
}

export const accumulatorsKey = (ledger: Ledger, insurer: string, policyRef: string): string =>
  ledger.key(KeyType.accumulators, insurer, policyRef);

export async function loadAccumulators(
  ledger: Ledger,
  insurer: string,
  policyRef: string,
): Promise<PolicyAccumulators> {
  const key = accumulatorsKey(ledger, insurer, policyRef);
  const stored = await ledger.get<PolicyAccumulators>(key, policiesCollection(insurer));
  return stored ?? emptyPolicyAccumulators(insurer, policyRef);
}

export function accumulatorsFor(record: PolicyAccumulators, period: string): Accumulators {
  return record.years[period] ?? emptyAccumulators();
}

/** Always written by a settlement write, even unchanged: the write is what demands the insurer's endorsement. */
export async function storeAccumulators(
  ledger: Ledger,
  record: PolicyAccumulators,
  period: string,
  accumulators: Accumulators,
): Promise<void> {
  const updated = { ...record, years: { ...record.years, [period]: accumulators } };
  const key = accumulatorsKey(ledger, record.insurer, record.policyRef);
  await ledger.put(key, updated, policiesCollection(record.insurer));
}
