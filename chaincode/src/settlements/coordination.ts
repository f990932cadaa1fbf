/**
 * Coordination of benefits: a patient with several commercial policies has a later insurer settle the same
 * invoice at the same hospital, naming the earlier settlement (`priorSettlement`), and pay at most the patient
 * share that settlement left. The later insurer's peer may not read the earlier settlement (it is in another
 * insurer's collection), so the hospital's gateway sends its current version as stored and every endorser checks
 * it against the hash on the settlement's public stub: the hospital vouches for nothing the hash does not.
 */
import { PRIOR_VERSIONS, type Settlement, type SettlementKey } from '../api';
import { canonicalJson } from '../canonical';
import { invalidState } from '../errors';
import { KeyType, Ledger } from '../ledger';
import { findStub, settlementAt, stands, type SettlementStub } from './record';

/**
 * The earlier settlement's current details: from the versions the request brought, checked against the stub; with
 * none brought (a preview, run on the hospital's own peer), read from its collection.
 */
export async function priorDetails(ledger: Ledger, stub: SettlementStub): Promise<Settlement> {
  const sent = ledger.transient(PRIOR_VERSIONS);
  if (sent === undefined) return settlementAt(ledger, stub);
  for (const stored of JSON.parse(sent) as unknown[]) {
    const details = typeof stored === 'string' && Ledger.vouched<Settlement>(stored, stub.detailsHash);
    if (details) return details;
  }
  throw invalidState(
    `settlement ${stub.settlementId} changed while the request was on its way (or its details were not sent): retry`,
  );
}

/**
 * The patient share a settlement on `prior` may pay towards, or undefined if the settlement may not: it must be
 * for the same costs and the earlier settlement must have left the patient something to pay.
 */
export function remainingShare(prior: Settlement, costs: Settlement['costs']): number | undefined {
  const left = prior.split.patientShare;
  return left > 0 && canonicalJson(prior.costs) === canonicalJson(costs) ? left : undefined;
}

const coordinatedByKey = (ledger: Ledger, prior: SettlementKey, settlementId: string): string =>
  ledger.key(KeyType.coordinatedBy, prior.hospital, prior.settlementId, settlementId);

/** Links a settlement to the earlier one it paid towards, so that the earlier one is not reversed under it. */
export async function recordCoordination(ledger: Ledger, settlement: Settlement): Promise<void> {
  if (settlement.priorSettlement === undefined) return;
  const prior = { hospital: settlement.hospital, settlementId: settlement.priorSettlement };
  await ledger.putIndex(coordinatedByKey(ledger, prior, settlement.settlementId));
}

/**
 * Refuses to reverse a settlement while a later insurer's settlement paying towards its patient share stands:
 * that share is what the later one was computed from. The later one is reversed first.
 */
export async function ensureNothingCoordinatedOn(ledger: Ledger, s: SettlementKey): Promise<void> {
  for (const { attributes } of await ledger.scan(KeyType.coordinatedBy, [s.hospital, s.settlementId])) {
    const later = { hospital: s.hospital, settlementId: attributes[2] };
    if (stands((await findStub(ledger, later))?.status)) {
      throw invalidState(
        `settlement ${later.settlementId} pays towards this settlement's patient share: reverse it first`,
      );
    }
  }
}
