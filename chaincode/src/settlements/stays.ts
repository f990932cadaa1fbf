/**
 * A patient's inpatient stays on an insurer's policies, kept in the insurer's collection (which the hospitals'
 * peers read too, as they recompute splits), so that a stay overlapping another hospital's raises an
 * OVERLAPPING_STAY alert. A stay is inpatient when it spans at least one night; two overlap when they share a
 * night, so a transfer on the day one stay ends and the other begins does not. Every inpatient settlement of the
 * patient reads and writes the same key, so two recorded at once conflict and one is retried after the other,
 * which then sees it. Stays on another insurer's policies are out of sight: that insurer's peer does not endorse.
 */
import type { Settlement, SettlementKey } from '../api';
import { policiesCollection } from '../collections';
import { KeyType, type Ledger } from '../ledger';
import { findStub, stands } from './record';

interface Stay extends SettlementKey {
  admissionDate: string;
  dischargeDate: string;
}

const staysKey = (ledger: Ledger, insurer: string, patientRef: string): string =>
  ledger.key(KeyType.stays, insurer, patientRef);

const shareANight = (a: Stay, b: Stay): boolean =>
  a.admissionDate < b.dischargeDate && b.admissionDate < a.dischargeDate;

/**
 * Records the settlement's stay if it is inpatient; answers the stays of the patient at other hospitals that it
 * overlaps and that still stand (not reversed or rejected), under the patient's current and former pseudonyms.
 */
export async function recordStay(
  ledger: Ledger,
  settlement: Settlement,
  patientRefs: readonly string[],
): Promise<SettlementKey[]> {
  const { hospital, settlementId, admissionDate, dischargeDate, insurer } = settlement;
  if (admissionDate >= dischargeDate) return [];
  const stay: Stay = { hospital, settlementId, admissionDate, dischargeDate };
  const collection = policiesCollection(insurer);
  const overlapping: SettlementKey[] = [];
  let current: Stay[] = [];
  for (const [index, patientRef] of patientRefs.entries()) {
    const stays = (await ledger.get<{ stays: Stay[] }>(staysKey(ledger, insurer, patientRef), collection))
      ?.stays;
    if (index === 0) current = stays ?? [];
    for (const other of stays ?? []) {
      if (other.hospital === hospital || !shareANight(stay, other)) continue;
      if (stands((await findStub(ledger, other))?.status))
        overlapping.push({ hospital: other.hospital, settlementId: other.settlementId });
    }
  }
  await ledger.put(staysKey(ledger, insurer, patientRefs[0]), { stays: [...current, stay] }, collection);
  return overlapping;
}
