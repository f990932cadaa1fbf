/** A policy's accumulators, every year in one key of its insurer's collection. */
import { policiesCollection } from '../collections';
import { KeyType, type Ledger } from '../ledger';
import { emptyAccumulators, type Accumulators } from '../split';

export interface PolicyAccumulators {
  insurer: string;
  policyRef: string;
  /** By calendar year of the discharge date, e.g. "2026". */
  years: Record<string, Accumulators>;
}

export function emptyPolicyAccumulators(insurer: string, policyRef: string): PolicyAccumulators {
  return { insurer, policyRef, years: {} };
}

export const accumulatorsKey = (ledger: Ledger, insurer: string, policyRef: string): string =>
  ledger.key(KeyType.accumulators, insurer, policyRef);

export function yearOf(date: string): string {
  return date.slice(0, 4);
}

export async function loadAccumulators(
  ledger: Ledger,
  insurer: string,
  policyRef: string,
): Promise<PolicyAccumulators> {
  const key = accumulatorsKey(ledger, insurer, policyRef);
  const stored = await ledger.get<PolicyAccumulators>(key, policiesCollection(insurer));
  return stored ?? emptyPolicyAccumulators(insurer, policyRef);
}

export function accumulatorsFor(record: PolicyAccumulators, year: string): Accumulators {
  return record.years[year] ?? emptyAccumulators();
}

/** Always written by a settlement write, even unchanged: the write is what demands the insurer's endorsement. */
export async function storeAccumulators(
  ledger: Ledger,
  record: PolicyAccumulators,
  year: string,
  accumulators: Accumulators,
): Promise<void> {
  const updated = { ...record, years: { ...record.years, [year]: accumulators } };
  const key = accumulatorsKey(ledger, record.insurer, record.policyRef);
  await ledger.put(key, updated, policiesCollection(record.insurer));
}
