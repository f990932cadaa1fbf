import { Tx } from '@settlement/chaincode/dist/api';
import type { Authorisation, WriteResult } from '@settlement/chaincode/dist/api';
import { authorisationEndorsers, requireMember, revocationEndorsers } from '../endorsement';
import { hideForbidden, notFound } from '../errors';
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
      await requireMember(ledger, body.insurer, 'INSURER', 'body.insurer');
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
