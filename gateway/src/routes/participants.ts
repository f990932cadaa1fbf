import { Tx } from '@settlement/chaincode/dist/api';
import type { Participant, WriteResult } from '@settlement/chaincode/dist/api';
import { participantEndorsers } from '../endorsement';
import { ALL_ROLES, route } from '../route';
import { noParams, noQuery, participantBody } from '../schemas';
import { byRecorder, itemsOf, list, OBJECT, RECORD_WITH_TXID, written } from './replies';

export const participantRoutes = [
  route({
    method: 'get',
    path: '/v1/participants',
    summary: 'Registered organisations',
    roles: ALL_ROLES,
    params: noParams,
    query: noQuery,
    responses: { 200: 'the participants' },
    returns: { schema: itemsOf(OBJECT) },
    handle: async (_input, { ledger }) => list(await ledger.evaluate<Participant[]>(Tx.listParticipants, {})),
  }),
  route({
    method: 'post',
    path: '/v1/participants',
    summary: 'Register an organisation (regulator only; the first registration bootstraps the channel)',
    roles: ['auditor'],
    params: noParams,
    query: noQuery,
    body: participantBody,
    responses: { 201: 'registered', 200: 'already registered with this content' },
    returns: { schema: RECORD_WITH_TXID },
    errors: ['ID_CONFLICT'],
    handle: async ({ body }, { ledger, principal, membership }) =>
      written(
        await ledger.submit<WriteResult<Participant>>(
          Tx.registerParticipant,
          { ...body, actor: principal.sub },
          {
            endorsingOrgs: participantEndorsers(body.mspId, ledger.peerOrganisations(), membership.regulator),
          },
        ),
        byRecorder,
      ),
  }),
];
