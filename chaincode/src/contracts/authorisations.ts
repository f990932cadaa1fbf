/** Patient consent (授权), recorded by a hospital or an insurer with the hash of the signed document. */
import { Transaction } from 'fabric-contract-api';
import { EventName, type Authorisation } from '../api';
import { findParticipant, ownerNamedOrCaller, visible, type Caller } from '../access';
import {
  authorisationParties as parties,
  findAuthorisation,
  findStub,
  stubParties,
  storeAuthorisation,
} from '../authorisations/consent';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { forbidden, idConflict, invalidState, validationFailed } from '../errors';
import type { Ledger } from '../ledger';
import { isServingInsurer } from '../policies/record';
import { pick, sameContent, writeResult } from '../records';
import * as requests from '../schemas';
import { parseRequest } from '../validation';

const contentOf = (a: Authorisation): object =>
  pick(a, ['authorisationId', 'patientRef', 'insurer', 'purpose', 'validFrom', 'validTo', 'evidenceHash']);

/** The record if the caller may see it (its recorder, its insurer, a regulator), read only then. */
async function visibleAuthorisation(
  ledger: Ledger,
  caller: Caller,
  recorder: string,
  authorisationId: string,
): Promise<Authorisation> {
  const what = `authorisation ${authorisationId}`;
  const stub = visible(caller, await findStub(ledger, recorder, authorisationId), stubParties, what);
  return findAuthorisation(ledger, stub);
}

export class AuthorisationsContract extends LedgerContract {
  constructor() {
    super('Authorisations');
  }

  /**
   * The insurer named must have published a product: until then its peer has not shown itself on the channel,
   * and the collection its consents go into may not exist.
   */
  @Transaction()
  async record(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const req = ctx.request(requests.recordAuthorisation);
    if ((await findParticipant(ledger, req.insurer))?.kind !== 'INSURER') {
      throw validationFailed(`insurer ${req.insurer} is not a registered insurer`);
    }
    if (caller.kind === 'INSURER' && req.insurer !== caller.mspId) {
      throw forbidden('an insurer records authorisations for itself only');
    }
    if (!(await isServingInsurer(ledger, req.insurer))) {
      throw invalidState(`insurer ${req.insurer} has published no product yet`);
    }
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
    const stub = await findStub(ledger, caller.mspId, req.authorisationId);
    if (stub) {
      // Another insurer's record is in a collection this transaction's endorsers may not read.
      const existing = stub.insurer === req.insurer ? await findAuthorisation(ledger, stub) : undefined;
      if (!existing || !sameContent(existing, record, contentOf))
        throw idConflict(`authorisation ${req.authorisationId}`);
      return writeResult(false, existing);
    }
    await storeAuthorisation(ledger, record, true);
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
  async revoke(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const req = ctx.request(requests.revokeAuthorisation);
    const recorder = ownerNamedOrCaller(caller, req.recordedBy, 'recordedBy');
    const found = await visibleAuthorisation(ledger, caller, recorder, req.authorisationId);
    if (found.revocation !== undefined) {
      if (found.revocation.reason !== req.reason)
        throw idConflict(`revocation of authorisation ${req.authorisationId}`);
      return writeResult(false, found);
    }
    const by = ledger.actor(req.actor);
    const record: Authorisation = { ...found, revokedAt: by.at, revocation: { reason: req.reason, by } };
    await storeAuthorisation(ledger, record, false);
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
    return canonicalJson(await visibleAuthorisation(ctx.ledger, caller, recorder, req.authorisationId));
  }
}
