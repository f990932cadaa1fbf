/**
 * The private data collections, named by the convention network/lib/chaincode.sh defines them with. An insurer's
 * policies, consents and accumulators are its own, the regulator's and every hospital's (a hospital's peer
 * recomputes the split it endorses); a settlement's details are its hospital's, its insurer's and the regulator's.
 * Every write to an insurer's collection needs its peer; every write to a pair's, both peers.
 */
export const policiesCollection = (insurer: string): string => `policies_${insurer}`;

export const settlementsCollection = (hospital: string, insurer: string): string =>
  `settlements_${hospital}_${insurer}`;
