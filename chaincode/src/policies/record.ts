/** Facts about a policy record shared by its writes, its reads and the settlements made on it. */
import type { Policy } from '../api';
import { KeyType, type Ledger } from '../ledger';

export const policyParties = (policy: Policy): string[] => [policy.insurer];

export function policyKey(ledger: Ledger, policyRef: string): string {
  return ledger.key(KeyType.policy, policyRef);
}

export async function findPolicy(ledger: Ledger, policyRef: string): Promise<Policy | undefined> {
  return ledger.get<Policy>(policyKey(ledger, policyRef));
}
