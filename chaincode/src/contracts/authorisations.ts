/** Patient consent (授权), recorded by a hospital or an insurer with the hash of the signed document. */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { EventName, type Authorisation } from '../api';
import { findParticipant, requireCaller, visible } from '../access';
import { canonicalJson } from '../canonical';
import { forbidden, idConflict, validationFailed } from '../errors';
import { KeyType, Ledger } from '../ledger';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../requests';
import { parseRequest } from '../validation';

/** The recording organisation is part of the content: another organisation reusing the id is a conflict. */
const contentOf = (a: Authorisation): object => ({
  ...pick(a, ['authorisationId', 'patientRef', 'insurer', 'purpose', 'validFrom', 'validTo', 'evidenceHash']),
  recorder: a.recordedBy.mspId,
});

const parties = (a: Authorisation): string[] => [a.recordedBy.mspId, a.insurer];

/**
 * What the consent check needs of an authorisation, kept in its consent index entry (and updated on revocation)
 * so that the check reads the index alone, one round trip to the peer instead of one plus one per entry.
 */
type ConsentTerms = Pick<Authorisation, 'purpose' | 'validFrom' | 'validTo' | 'revokedAt'>;

const consentTerms = (a: Authorisation): ConsentTerms =>
  pick(a, ['purpose', 'validFrom', 'validTo', 'revokedAt']);

const consentKey = (ledger: Ledger, a: Authorisation): string =>
  ledger.key(KeyType.consent, a.patientRef, a.insurer, a.authorisationId);

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
export function hasConsent(
  ledger: Ledger,
  patientRef: string,
  insurer: string,
  date: string,
): Promise<boolean> {
  return ledger.once(ledger.key(KeyType.consent, patientRef, insurer, date), async () => {
    for (const entry of await ledger.scan<Partial<ConsentTerms>>(KeyType.consent, [patientRef, insurer])) {
      // An entry written before the index carried the terms is an empty marker: its record has them.
      const terms =
        entry.value.purpose === undefined
          ? await ledger.get<Authorisation>(ledger.key(KeyType.authorisation, entry.attributes[2]))
          : (entry.value as ConsentTerms);
      if (terms && consentsAt(terms, date)) return true;
    }
    return false;
  });
}

export class AuthorisationsContract extends Contract {
  constructor() {
    super('Authorisations');
  }

  @Transaction()
  async record(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger, 'HOSPITAL', 'INSURER');
    const req = parseRequest(request, requests.recordAuthorisation);
    if ((await findParticipant(ledger, req.insurer))?.kind !== 'INSURER') {
      throw validationFailed(`insurer ${req.insurer} is not a registered insurer`);
    }
    if (caller.kind === 'INSURER' && req.insurer !== caller.mspId) {
      throw forbidden('an insurer records authorisations for itself only');
    }
    const key = ledger.key(KeyType.authorisation, req.authorisationId);
    const record: Authorisation = {
      authorisationId: req.authorisationId,
      patientRef: req.patientRef,
      insurer: req.insurer,
      purpose: req.purpose,
      validFrom: req.validFrom,
      validTo: req.validTo,
      evidenceHash: req.evidenceHash,
      recordedBy: ledger.actor(req.actor),
    };
    const what = `authorisation ${req.authorisationId}`;
    const existing = await existingSame(ledger, key, record, contentOf, what);
    if (existing) return writeResult(false, existing);
    const index = consentKey(ledger, record);
    await ledger.put(key, record);
    await ledger.put(index, consentTerms(record));
    // A revocation (or any other change) needs both the recorder's and the insurer's peers.
    for (const owned of [key, index]) await ledger.requireEndorsement(owned, parties(record));
    ledger.emit({
      type: EventName.AuthorisationRecorded,
      parties: parties(record),
      refs: [{ authorisationId: req.authorisationId }],
    });
    return writeResult(true, record);
  }

  /**
   * By the recording organisation or the insurer. Revoking again for the same reason writes nothing and
   * answers the record; for another reason it is ID_CONFLICT.
   */
  @Transaction()
  async revoke(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger, 'HOSPITAL', 'INSURER');
    const req = parseRequest(request, requests.revokeAuthorisation);
    const key = ledger.key(KeyType.authorisation, req.authorisationId);
    const found = visible(
      caller,
      await ledger.get<Authorisation>(key),
      parties,
      `authorisation ${req.authorisationId}`,
    );
    if (found.revocation !== undefined) {
      if (found.revocation.reason !== req.reason)
        throw idConflict(`revocation of authorisation ${req.authorisationId}`);
      return writeResult(false, found);
    }
    const by = ledger.actor(req.actor);
    const record: Authorisation = { ...found, revokedAt: by.at, revocation: { reason: req.reason, by } };
    await ledger.put(key, record);
    await ledger.put(consentKey(ledger, record), consentTerms(record));
    ledger.emit({
      type: EventName.AuthorisationRevoked,
      parties: parties(record),
      refs: [{ authorisationId: req.authorisationId }],
    });
    return writeResult(true, record);
  }

  @Transaction(false)
  async get(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger);
    const req = parseRequest(request, requests.authorisationLookup);
    const key = ledger.key(KeyType.authorisation, req.authorisationId);
    return canonicalJson(
      visible(caller, await ledger.get<Authorisation>(key), parties, `authorisation ${req.authorisationId}`),
    );
  }
}
