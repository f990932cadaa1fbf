/** Patient consent (授权), recorded by a hospital or an insurer with the hash of the signed document. */
import { Transaction } from 'fabric-contract-api';
import { EventName, type Authorisation } from '../api';
import { findParticipant, ownerNamedOrCaller, visible } from '../access';
import {
  authorisationKey,
  authorisationParties as parties,
  consentKey,
  consentTerms,
} from '../authorisations/consent';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { forbidden, idConflict, validationFailed } from '../errors';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../schemas';
import { parseRequest } from '../validation';

const contentOf = (a: Authorisation): object =>
  pick(a, ['authorisationId', 'patientRef', 'insurer', 'purpose', 'validFrom', 'validTo', 'evidenceHash']);

export class AuthorisationsContract extends LedgerContract {
  constructor() {
    super('Authorisations');
  }

  @Transaction()
  async record(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const req = parseRequest(request, requests.recordAuthorisation);
    if ((await findParticipant(ledger, req.insurer))?.kind !== 'INSURER') {
      throw validationFailed(`insurer ${req.insurer} is not a registered insurer`);
    }
    if (caller.kind === 'INSURER' && req.insurer !== caller.mspId) {
      throw forbidden('an insurer records authorisations for itself only');
    }
    const key = authorisationKey(ledger, caller.mspId, req.authorisationId);
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
  async revoke(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const req = parseRequest(request, requests.revokeAuthorisation);
    const recorder = ownerNamedOrCaller(caller, req.recordedBy, 'recordedBy');
    const key = authorisationKey(ledger, recorder, req.authorisationId);
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
  async get(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    const req = parseRequest(request, requests.authorisationLookup);
    const recorder = ownerNamedOrCaller(caller, req.recordedBy, 'recordedBy');
    const key = authorisationKey(ctx.ledger, recorder, req.authorisationId);
    const found = await ctx.ledger.get<Authorisation>(key);
    return canonicalJson(visible(caller, found, parties, `authorisation ${req.authorisationId}`));
  }
}
