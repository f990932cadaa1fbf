import { Tx } from '@settlement/chaincode/dist/api';
import type { Authorisation, Participant, WriteResult } from '@settlement/chaincode/dist/api';
import type { LedgerClient } from '../ledger';
import { authorisationEndorsers, revocationEndorsers } from '../endorsement';
import { ApiError, hideForbidden, notFound, validationFailed } from '../errors';
import { ALL_ROLES, route, RouteLink } from '../route';
import {
  authorisationBody,
  authorisationParams,
  authorisationQuery,
  noParams,
  noQuery,
  reasonBody,
} from '../schemas';
import { byRecorder, RECORD_WITH_TXID, withPatientRef, written } from './replies';

/**
 * The insurer a consent names must be a registered insurer, and a member of the channel. The chaincode checks
 * the first too, but a name that is no organisation of the channel fails before it runs (no peer of it can be
 * asked to endorse), which is the caller's mistake (a 400) or a registration ahead of the channel (a 409), not
 * the ledger's 503.
 */
async function requireInsurer(ledger: LedgerClient, mspId: string): Promise<void> {
  const participant = await ledger
    .evaluate<Participant>(Tx.getParticipant, { mspId })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
  if (participant?.kind !== 'INSURER') {
    throw validationFailed(`insurer ${mspId} is not a registered insurer`, [
      { path: 'body.insurer', message: 'not a registered insurer' },
    ]);
  }
  // An insurer that joined a moment ago may not be in the gateway's view of the channel yet.
  if (!ledger.channelOrganisations().includes(mspId)) await ledger.rediscover();
  if (!ledger.channelOrganisations().includes(mspId)) {
    throw new ApiError(409, 'INVALID_STATE', `insurer ${mspId} is registered but not yet on the channel`);
  }
}

/** Where a reply carrying a consent leads. */
const FROM_AUTHORISATION: Record<string, RouteLink> = {
  read: { to: 'get /v1/authorisations/:id', parameters: { id: 'authorisationId' } },
  revoke: { to: 'post /v1/authorisations/:id/revoke', parameters: { id: 'authorisationId' } },
};

export const authorisationRoutes = [
  route({
    method: 'post',
    path: '/v1/authorisations',
    summary: "Record a patient's consent to claim settlement by an insurer",
    roles: ['clerk', 'adjuster'],
    params: noParams,
    query: noQuery,
    body: authorisationBody,
    responses: { 201: 'recorded', 200: 'already recorded with this content' },
    links: FROM_AUTHORISATION,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['ID_CONFLICT', 'INVALID_STATE'],
    handle: async ({ body }, { ledger, principal, pseudonymiser, membership }) => {
      await requireInsurer(ledger, body.insurer);
      return written(
        await ledger.submit<WriteResult<Authorisation>>(
          Tx.recordAuthorisation,
          { ...withPatientRef(body, pseudonymiser), actor: principal.sub },
          { endorsingOrgs: authorisationEndorsers(principal.org, body.insurer, membership.regulator) },
        ),
        byRecorder,
      );
    },
  }),
  route({
    method: 'post',
    path: '/v1/authorisations/:id/revoke',
    summary: 'Revoke a consent (its recorder, or its insurer naming the recorder)',
    roles: ['clerk', 'adjuster'],
    params: authorisationParams,
    query: authorisationQuery,
    body: reasonBody,
    responses: { 201: 'revoked', 200: 'already revoked' },
    links: FROM_AUTHORISATION,
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND'],
    handle: async ({ params, query, body }, { ledger, principal, membership }) => {
      const lookup = { authorisationId: params.id, ...query };
      // The stored consent names the organisations whose key-level policy the revocation must satisfy.
      const stored = await ledger.evaluate<Authorisation>(Tx.getAuthorisation, lookup).catch(hideForbidden);
      if (stored.recordedBy.mspId !== principal.org && stored.insurer !== principal.org) throw notFound();
      return written(
        await ledger.submit<WriteResult<Authorisation>>(
          Tx.revokeAuthorisation,
          { ...lookup, reason: body.reason, actor: principal.sub },
          { endorsingOrgs: revocationEndorsers(stored, membership.regulator) },
        ),
        (record) => record.revocation?.by.txId ?? record.recordedBy.txId,
      );
    },
  }),
  route({
    method: 'get',
    path: '/v1/authorisations/:id',
    summary: 'A consent (its recorder; its insurer and auditors name the recorder)',
    roles: ALL_ROLES,
    params: authorisationParams,
    query: authorisationQuery,
    responses: { 200: 'the authorisation' },
    links: FROM_AUTHORISATION,
    errors: ['NOT_FOUND'],
    handle: async ({ params, query }, { ledger }) => ({
      status: 200,
      body: await ledger
        .evaluate<Authorisation>(Tx.getAuthorisation, { authorisationId: params.id, ...query })
        .catch(hideForbidden),
    }),
  }),
];
