/** Facts about a policy record shared by its writes, its reads and the settlements made on it. */
import type { Policy } from '../api';
import { validationFailed } from '../errors';
import { KeyType, type Ledger } from '../ledger';
import { pseudonymsOf } from '../pseudonyms';
import type { PatientPolicyRef } from '../schemas';

export const policyParties = (policy: Policy): string[] => [policy.insurer];

/** A policy reference is the insurer's own: two insurers may use the same one. */
export function policyKey(ledger: Ledger, insurer: string, policyRef: string): string {
  return ledger.key(KeyType.policy, insurer, policyRef);
}

/** The patient's index entry holds the policy itself (policies never change), so a settlement reads it alone. */
export const policyOfPatientKey = (ledger: Ledger, policy: Policy): string =>
  ledger.key(KeyType.policyOfPatient, policy.patientRef, policy.policyRef, policy.insurer);

export async function findPolicy(
  ledger: Ledger,
  insurer: string,
  policyRef: string,
): Promise<Policy | undefined> {
  return ledger.get<Policy>(policyKey(ledger, insurer, policyRef));
}

/**
 * The patient's policy with this reference, found through the patient's index: a hospital learns nothing of
 * policies that are not its patient's (no such policy and another patient's policy look the same). Read once per
 * transaction, however many of a batch's items name it: no settlement writes a policy.
 */
export async function findPatientPolicy(ledger: Ledger, ref: PatientPolicyRef): Promise<Policy | undefined> {
  // By insurer: a policy is one insurer's reference, found once whichever of the patient's pseudonyms found it.
  const byInsurer = new Map<string, Policy>();
  for (const patientRef of pseudonymsOf(ref.patientRef, ref.formerPatientRefs)) {
    const scan = ledger.key(KeyType.policyOfPatient, patientRef, ref.policyRef);
    const entries = await ledger.once(scan, () =>
      ledger.scan<Policy>(KeyType.policyOfPatient, [patientRef, ref.policyRef]),
    );
    for (const { value } of entries) if (!byInsurer.has(value.insurer)) byInsurer.set(value.insurer, value);
  }
  const policies = [...byInsurer.values()].filter(
    (policy) => ref.insurer === undefined || policy.insurer === ref.insurer,
  );
  if (policies.length > 1) {
    throw validationFailed(
      `the patient holds policy ${ref.policyRef} with more than one insurer: name the insurer`,
    );
  }
  return policies[0];
}

/** The refusal for a reference that names no policy of the patient, whatever the reason. */
export const noPatientPolicy = (policyRef: string): string => `no policy ${policyRef} of this patient`;
