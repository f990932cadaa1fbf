/**
 * Which organisations endorse each write. The network's chaincode-level policy is OutOf(2) of the members' peers,
 * and the chaincode puts key-level policies on each record naming its owners; discovery in fabric-network 2.2
 * sees neither, so every write names its endorsers explicitly, and the rule for each kind of write is here.
 */
import { Tx } from '@settlement/chaincode/dist/api';
import type {
  Authorisation,
  EndorsersResult,
  Participant,
  ParticipantKind,
  SettlementKey,
} from '@settlement/chaincode/dist/api';
import { ApiError, validationFailed } from './errors';
import type { PatientPolicyRef } from '@settlement/chaincode/dist/schemas';
import { LRUCache } from 'lru-cache';
import type { LedgerClient } from './ledger';

/** Distinct organisations, sorted (an organisation endorses once even when it plays two parts). */
const distinct = (...orgs: string[]): string[] => [...new Set(orgs)].sort();

/** Products and policies belong to their insurer; the regulator is the second endorser. */
export function catalogueEndorsers(ownMsp: string, regulator: string): string[] {
  return distinct(ownMsp, regulator);
}

/** A consent belongs to its recorder and to the insurer it names (the regulator too when they are the same). */
export function authorisationEndorsers(recorderMsp: string, insurerMsp: string, regulator: string): string[] {
  return recorderMsp === insurerMsp ? distinct(recorderMsp, regulator) : distinct(recorderMsp, insurerMsp);
}

/** A revocation is endorsed by the owners of the stored consent, as it was recorded. */
export function revocationEndorsers(stored: Authorisation, regulator: string): string[] {
  return authorisationEndorsers(stored.recordedBy.mspId, stored.insurer, regulator);
}

/**
 * A registration by the regulator names the registered organisation as the second endorser when it has a peer
 * on the channel; an organisation without one (not yet joined, or unknown: the chaincode decides whether it may
 * be registered) cannot endorse, so another member with a peer does (the first by MSP ID, for a stable choice).
 */
export function participantEndorsers(
  registeredMsp: string,
  peerOrgs: readonly string[],
  regulator: string,
): string[] {
  const members = peerOrgs.filter((msp) => msp !== regulator);
  const partner = members.includes(registeredMsp) ? registeredMsp : [...members].sort()[0];
  return distinct(regulator, ...(partner ? [partner] : []));
}

/** A new settlement's policy: the patient's, with this reference (and insurer, when the patient has two). */
export type { PatientPolicyRef } from '@settlement/chaincode/dist/schemas';

/** One policy as a patient's reference names it: the same patient, reference and insurer name the same policy. */
export const patientPolicyId = (ref: PatientPolicyRef): string =>
  ['policy', ref.patientRef, ref.policyRef, ref.insurer ?? ''].join('\n');

type EndorsedKey = PatientPolicyRef | SettlementKey;

/** Answers kept per ledger client, the least recently used dropped first beyond this many. */
const ENDORSER_CACHE_SIZE = 10_000;
const endorserCache = new WeakMap<LedgerClient, LRUCache<string, EndorsersResult>>();

/**
 * A policy's insurer and a settlement's parties never change, and this gateway is always the same caller, so
 * each answer is kept: the chaincode is asked once per policy or settlement, not once per write.
 */
async function endorsersOf(ledger: LedgerClient, key: EndorsedKey): Promise<EndorsersResult> {
  let cache = endorserCache.get(ledger);
  if (!cache) endorserCache.set(ledger, (cache = new LRUCache({ max: ENDORSER_CACHE_SIZE })));
  const id = 'policyRef' in key ? patientPolicyId(key) : `settlement\n${key.hospital}\n${key.settlementId}`;
  const known = cache.get(id);
  if (known) return known;
  const answer = await ledger.evaluate<EndorsersResult>(Tx.settlementEndorsers, key);
  cache.set(id, answer);
  return answer;
}

/** A settlement's key carries a key-level policy naming its hospital and insurer, so both endorse each change. */
export async function settlementEndorsers(ledger: LedgerClient, key: SettlementKey): Promise<string[]> {
  return (await endorsersOf(ledger, key)).organisations;
}

/**
 * A new settlement's insurer, the patient's policy's as the chaincode finds it (the caller need not name it),
 * and its endorsers: the hospital's and that insurer's peers, the only ones besides the regulator's that may
 * read the policy. The submit names the insurer, since a write may read its collection by key only.
 */
export async function policyEndorsers(
  ledger: LedgerClient,
  ref: PatientPolicyRef,
): Promise<{ insurer: string; organisations: string[] }> {
  const { organisations, insurer } = await endorsersOf(ledger, ref);
  return { insurer: insurer as string, organisations };
}

/**
 * An organisation a write names as an endorser must be a registered participant of `kind`, and a member of the
 * channel. The chaincode checks the first too, but a name that is no organisation of the channel fails before it
 * runs (no peer of it can be asked to endorse), which is the caller's mistake (a 400 naming `field`) or a
 * registration ahead of the channel (a 409), not the ledger's 503.
 */
export async function requireMember(
  ledger: LedgerClient,
  mspId: string,
  kind: ParticipantKind,
  field: string,
): Promise<void> {
  const participant = await ledger
    .evaluate<Participant>(Tx.getParticipant, { mspId })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
  const what = `a registered ${kind.toLowerCase()}`;
  if (participant?.kind !== kind) {
    throw validationFailed(`${mspId} is not ${what}`, [{ path: field, message: `not ${what}` }]);
  }
  // An organisation that joined a moment ago may not be in the gateway's view of the channel yet.
  if (!ledger.channelOrganisations().includes(mspId)) await ledger.rediscover();
  if (!ledger.channelOrganisations().includes(mspId)) {
    throw new ApiError(409, 'INVALID_STATE', `${mspId} is registered but not yet on the channel`);
  }
}
