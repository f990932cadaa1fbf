/**
 * A patient's or an invoice's pseudonym under the gateways' current key, with those under the keys it replaced:
 * records made before a key rotation carry a former one. The ledger cannot tell whether they belong together;
 * it trusts the submitting hospital's gateway for that, as it does for the pseudonym itself.
 */
export const pseudonymsOf = (current: string, former: readonly string[] = []): string[] => [
  current,
  ...former,
];
