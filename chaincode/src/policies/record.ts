/**
 * Facts about a policy record shared by its writes, its reads and the settlements made on it. A policy is in
 * its insurer's collection, which a write transaction may read by key only (Fabric refuses a scan of a
 * collection in a transaction that writes), so a settlement names the policy's insurer and reads one key.
 */
import type { Policy } from '../api';
import { canSee, type Caller } from '../access';
import { compareText } from '../canonical';
import { policiesCollection } from '../collections';
import { validationFailed } from '../errors';
import { KeyType, type Ledger } from '../ledger';
import { pseudonymsOf } from '../pseudonyms';
import type { PatientPolicyRef } from '../schemas';

export const policyParties = (policy: Pick<Policy, 'insurer'>): string[] => [policy.insurer];

/** A policy reference is the insurer's own: two insurers may use the same one. */
export function policyKey(ledger: Ledger, insurer: string, policyRef: string): string {
  return ledger.key(KeyType.policy, insurer, policyRef);
}

/**
 * Insurers that have published a product: their peers endorsed it, so they are on the channel and their
 * collections exist (reading a collection the channel does not define is an error, not an absence).
 */
export const servingInsurerKey = (ledger: Ledger, insurer: string): string =>
  ledger.key(KeyType.servingInsurer, insurer);

export async function isServingInsurer(ledger: Ledger, insurer: string): Promise<boolean> {
  return (await ledger.get(servingInsurerKey(ledger, insurer))) !== undefined;
}

/** The policy, read only by its insurer's peers and those of the collection's other members. */
export async function findPolicy(
  ledger: Ledger,
  insurer: string,
  policyRef: string,
): Promise<Policy | undefined> {
  if (!(await isServingInsurer(ledger, insurer))) return undefined;
  return ledger.get<Policy>(policyKey(ledger, insurer, policyRef), policiesCollection(insurer));
}

/** The policy if the caller may see it (its insurer, a regulator), without reading it otherwise. */
export async function findVisiblePolicy(
  ledger: Ledger,
  caller: Caller,
  insurer: string,
  policyRef: string,
): Promise<Policy | undefined> {
  return canSee(caller, policyParties({ insurer })) ? findPolicy(ledger, insurer, policyRef) : undefined;
}

/**
 * The patient's policy with this reference at the insurer named: a hospital learns nothing of policies that
 * are not its patient's (no such policy and another patient's policy look the same). Read once per
 * transaction, however many of a batch's items name it: no settlement writes a policy.
 */
export async function findPatientPolicy(
  ledger: Ledger,
  ref: PatientPolicyRef,
  insurer: string,
): Promise<Policy | undefined> {
  const policy = await findPolicy(ledger, insurer, ref.policyRef);
  const patientRefs = pseudonymsOf(ref.patientRef, ref.formerPatientRefs);
  return policy && patientRefs.includes(policy.patientRef) ? policy : undefined;
}

/** Every insurer that has published a product, in MSP ID order. */
export async function servingInsurers(ledger: Ledger): Promise<string[]> {
  return (await ledger.scan(KeyType.servingInsurer)).map((entry) => entry.attributes[0]);
}

/** The index entry that lists a policy among its patient's, in its insurer's collection. */
export const patientPolicyKey = (
  ledger: Ledger,
  policy: Pick<Policy, 'insurer' | 'patientRef' | 'policyRef'>,
) => ledger.key(KeyType.patientPolicy, policy.insurer, policy.patientRef, policy.policyRef);

/**
 * The policies of a patient (under any of `patientRefs`) at an insurer, by reference. A scan of the insurer's
 * collection: read-only transactions only, whose caller's peer is a member of it.
 */
export async function patientPolicies(
  ledger: Ledger,
  insurer: string,
  patientRefs: readonly string[],
): Promise<Policy[]> {
  const policies: Policy[] = [];
  for (const patientRef of patientRefs) {
    const index = await ledger.scanCollection(policiesCollection(insurer), KeyType.patientPolicy, [
      insurer,
      patientRef,
    ]);
    for (const entry of index) {
      const policy = await findPolicy(ledger, insurer, entry.attributes[2]);
      if (policy) policies.push(policy);
    }
  }
  return policies.sort((a, b) => compareText(a.policyRef, b.policyRef));
}

/**
 * The insurer of the patient's policy with this reference, looked up in every serving insurer's collection
 * (the insurer named, if one is): for read-only transactions, whose caller is a hospital, a member of each.
 */
export async function patientPolicyInsurer(
  ledger: Ledger,
  ref: PatientPolicyRef,
): Promise<string | undefined> {
  const insurers = ref.insurer === undefined ? await servingInsurers(ledger) : [ref.insurer];
  const found: string[] = [];
  for (const insurer of insurers) if (await findPatientPolicy(ledger, ref, insurer)) found.push(insurer);
  if (found.length > 1) {
    throw validationFailed(
      `the patient holds policy ${ref.policyRef} with more than one insurer: name the insurer`,
    );
  }
  return found[0];
}

/** The refusal for a reference that names no policy of the patient, whatever the reason. */
export const noPatientPolicy = (policyRef: string): string => `no policy ${policyRef} of this patient`;
