/**
 * Authorisation records and the consent check a settlement makes: an index of each patient's authorisations
 * per insurer, carrying what the check needs, so that it reads the index alone.
 */
import type { Authorisation } from '../api';
import { KeyType, type Ledger } from '../ledger';
import { pick } from '../records';

export const authorisationParties = (a: Authorisation): string[] => [a.recordedBy.mspId, a.insurer];

/** An authorisation id is its recorder's own: another organisation's use of it is another record. */
export function authorisationKey(ledger: Ledger, recorder: string, authorisationId: string): string {
  return ledger.key(KeyType.authorisation, recorder, authorisationId);
}

/**
 * What the consent check needs of an authorisation, kept in its consent index entry (and updated on revocation)
 * so that the check reads the index alone, one round trip to the peer instead of one plus one per entry.
 */
type ConsentTerms = Pick<Authorisation, 'purpose' | 'validFrom' | 'validTo' | 'revokedAt'>;

export const consentTerms = (a: Authorisation): ConsentTerms =>
  pick(a, ['purpose', 'validFrom', 'validTo', 'revokedAt']);

export const consentKey = (ledger: Ledger, a: Authorisation): string =>
  ledger.key(KeyType.consent, a.patientRef, a.insurer, a.recordedBy.mspId, a.authorisationId);

const consentsAt = (terms: ConsentTerms, date: string): boolean =>
  terms.purpose === 'CLAIM_SETTLEMENT' &&
  terms.revokedAt === undefined &&
  terms.validFrom <= date &&
  date <= terms.validTo;

/**
 * Consent at `date` (the transaction's date): an unrevoked CLAIM_SETTLEMENT authorisation of the patient for
 * the insurer whose validity covers it, found through the patientRef+insurer index. Asked once per
 * transaction, however many of a batch's items need it: no settlement writes an authorisation.
 */
function hasConsentUnder(
  ledger: Ledger,
  patientRef: string,
  insurer: string,
  date: string,
): Promise<boolean> {
  return ledger.once(ledger.key(KeyType.consent, patientRef, insurer, date), async () => {
    const entries = await ledger.scan<ConsentTerms>(KeyType.consent, [patientRef, insurer]);
    return entries.some((entry) => consentsAt(entry.value, date));
  });
}

/** Consent under the patient's current pseudonym, else under a former one (given before a key rotation). */
export async function hasConsent(
  ledger: Ledger,
  patientRefs: readonly string[],
  insurer: string,
  date: string,
): Promise<boolean> {
  for (const patientRef of patientRefs)
    if (await hasConsentUnder(ledger, patientRef, insurer, date)) return true;
  return false;
}
