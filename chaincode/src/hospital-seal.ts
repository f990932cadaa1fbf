/**
 * Each hospital's seal: one key per hospital whose key-level policy names that hospital, written (blind, never
 * read, so concurrent settlements do not conflict) by every transaction that records a settlement or an alert
 * for it. Validation then needs the hospital's own peer for any such transaction, as the policy's accumulator
 * key needs the insurer's: neither side alone, nor any two other members, can record a split for a hospital.
 */
import { KeyType, type Ledger } from './ledger';

const sealKey = (ledger: Ledger, hospital: string): string => ledger.key(KeyType.hospitalSeal, hospital);

/** At registration: the seal exists from then on and only the hospital's peer may endorse writes to it. */
export async function createSeal(ledger: Ledger, hospital: string): Promise<void> {
  await stampSeal(ledger, hospital);
  await ledger.requireEndorsement(sealKey(ledger, hospital), [hospital]);
}

/** In every transaction that records something for the hospital. */
export async function stampSeal(ledger: Ledger, hospital: string): Promise<void> {
  await ledger.put(sealKey(ledger, hospital), { hospital, txId: ledger.txId });
}
