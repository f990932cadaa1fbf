/**
 * Authorisation records and the consent check a settlement makes. An authorisation's stub (its parties, last
 * transaction and the hash of its terms) is public; the record is in its insurer's collection, beside the
 * patient's consent terms for that insurer, which the check reads by key (a write may not scan a collection).
 */
import type { Authorisation } from '../api';
import { compareText } from '../canonical';
import { policiesCollection } from '../collections';
import { KeyType, type Ledger } from '../ledger';
import { pick } from '../records';

/** What every member holds of an authorisation. */
export interface AuthorisationStub {
  authorisationId: string;
  recorder: string;
  insurer: string;
  txId: string;
  /** SHA-256 of the private record as stored (salted), as getPrivateDataHash answers it. */
  detailsHash: string;
}

export const authorisationParties = (a: Pick<Authorisation, 'recordedBy' | 'insurer'>): string[] => [
  a.recordedBy.mspId,
  a.insurer,
];
export const stubParties = (stub: AuthorisationStub): string[] => [stub.recorder, stub.insurer];

/** An authorisation id is its recorder's own: another organisation's use of it is another record. */
export function authorisationKey(ledger: Ledger, recorder: string, authorisationId: string): string {
  return ledger.key(KeyType.authorisation, recorder, authorisationId);
}

export async function findStub(
  ledger: Ledger,
  recorder: string,
  authorisationId: string,
): Promise<AuthorisationStub | undefined> {
  return ledger.get<AuthorisationStub>(authorisationKey(ledger, recorder, authorisationId));
}

export async function findAuthorisation(ledger: Ledger, stub: AuthorisationStub): Promise<Authorisation> {
  const key = authorisationKey(ledger, stub.recorder, stub.authorisationId);
  return (await ledger.get<Authorisation>(key, policiesCollection(stub.insurer))) as Authorisation;
}

/**
 * Writes the record, its stub and its terms among the patient's. A change of either the record or the stub
 * needs both the recorder's and the insurer's peers.
 */
export async function storeAuthorisation(
  ledger: Ledger,
  record: Authorisation,
  created: boolean,
): Promise<void> {
  const collection = policiesCollection(record.insurer);
  const key = authorisationKey(ledger, record.recordedBy.mspId, record.authorisationId);
  const stub: AuthorisationStub = {
    authorisationId: record.authorisationId,
    recorder: record.recordedBy.mspId,
    insurer: record.insurer,
    txId: ledger.txId,
    detailsHash: await ledger.put(key, record, collection),
  };
  await ledger.put(key, stub);
  if (created) {
    await ledger.requireEndorsement(key, stubParties(stub));
    await ledger.requireEndorsement(key, stubParties(stub), collection);
  }
  await keepTerms(ledger, record);
}

/** What the consent check needs of an authorisation. */
type ConsentTerms = Pick<
  Authorisation,
  'authorisationId' | 'purpose' | 'validFrom' | 'validTo' | 'revokedAt'
> & {
  recorder: string;
};

interface PatientConsents {
  insurer: string;
  patientRef: string;
  /** In order of recorder, then authorisation id. */
  terms: ConsentTerms[];
}

const consentsKey = (ledger: Ledger, insurer: string, patientRef: string): string =>
  ledger.key(KeyType.consents, insurer, patientRef);

const sameAuthorisation = (a: ConsentTerms, b: ConsentTerms): boolean =>
  a.recorder === b.recorder && a.authorisationId === b.authorisationId;

const order = (a: ConsentTerms, b: ConsentTerms): number =>
  compareText(a.recorder, b.recorder) || compareText(a.authorisationId, b.authorisationId);

async function keepTerms(ledger: Ledger, a: Authorisation): Promise<void> {
  const collection = policiesCollection(a.insurer);
  const key = consentsKey(ledger, a.insurer, a.patientRef);
  const kept = await ledger.get<PatientConsents>(key, collection);
  const terms: ConsentTerms = {
    ...pick(a, ['authorisationId', 'purpose', 'validFrom', 'validTo', 'revokedAt']),
    recorder: a.recordedBy.mspId,
  };
  const others = (kept?.terms ?? []).filter((t) => !sameAuthorisation(t, terms));
  const updated = { insurer: a.insurer, patientRef: a.patientRef, terms: [...others, terms].sort(order) };
  await ledger.put(key, updated, collection);
}

const consentsAt = (terms: ConsentTerms, date: string): boolean =>
  terms.purpose === 'CLAIM_SETTLEMENT' &&
  terms.revokedAt === undefined &&
  terms.validFrom <= date &&
  date <= terms.validTo;

/**
 * Consent at `date` (the transaction's date for a settlement): an unrevoked CLAIM_SETTLEMENT authorisation of
 * the patient for the insurer whose validity covers it, under the patient's current pseudonym or a former one
 * (given before a key rotation). Answers the last day of the consent that lasts longest, or undefined when
 * there is none. No settlement writes an authorisation, so a batch's items read each patient's terms once.
 */
export async function consentUntil(
  ledger: Ledger,
  patientRefs: readonly string[],
  insurer: string,
  date: string,
): Promise<string | undefined> {
  let until: string | undefined;
  for (const patientRef of patientRefs) {
    const key = consentsKey(ledger, insurer, patientRef);
    const kept = await ledger.get<PatientConsents>(key, policiesCollection(insurer));
    for (const terms of kept?.terms ?? []) {
      if (consentsAt(terms, date) && (until === undefined || terms.validTo > until)) until = terms.validTo;
    }
  }
  return until;
}

export async function hasConsent(
  ledger: Ledger,
  patientRefs: readonly string[],
  insurer: string,
  date: string,
): Promise<boolean> {
  return (await consentUntil(ledger, patientRefs, insurer, date)) !== undefined;
}
