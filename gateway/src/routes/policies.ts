import { Tx } from '@settlement/chaincode/dist/api';
import type { Eligibility, Policy, WriteResult } from '@settlement/chaincode/dist/api';
import { catalogueEndorsers } from '../endorsement';
import { hideForbidden } from '../errors';
import { route } from '../route';
import { eligibilityBody, noParams, noQuery, policyBody, policyParams, policyQuery } from '../schemas';
import { byRecorder, OBJECT, RECORD_WITH_TXID, withPatientRef, withPatientRefs, written } from './replies';

export const policyRoutes = [
  route({
    method: 'post',
    path: '/v1/policies',
    summary: "Register a policy of one of the insurer's products",
    roles: ['adjuster'],
    params: noParams,
    query: noQuery,
    body: policyBody,
    responses: { 201: 'registered', 200: 'already registered with this content' },
    links: { read: { to: 'get /v1/policies/:policyRef', parameters: { policyRef: 'policyRef' } } },
    returns: { schema: RECORD_WITH_TXID },
    errors: ['NOT_FOUND', 'ID_CONFLICT'],
    handle: async ({ body }, { ledger, principal, pseudonymiser, membership }) =>
      written(
        await ledger.submit<WriteResult<Policy>>(
          Tx.registerPolicy,
          { ...withPatientRef(body, pseudonymiser), actor: principal.sub },
          { endorsingOrgs: catalogueEndorsers(principal.org, membership.regulator) },
        ),
        byRecorder,
      ),
  }),
  route({
    method: 'get',
    path: '/v1/policies/:policyRef',
    summary: 'A policy (its insurer; auditors name the insurer, whose reference it is)',
    roles: ['adjuster', 'auditor'],
    params: policyParams,
    query: policyQuery,
    responses: { 200: 'the policy' },
    errors: ['NOT_FOUND'],
    handle: async ({ params, query }, { ledger }) => ({
      status: 200,
      body: await ledger.evaluate<Policy>(Tx.getPolicy, { ...params, ...query }).catch(hideForbidden),
    }),
  }),
  route({
    method: 'post',
    path: '/v1/eligibility',
    summary:
      "The patient's policies active on a date (today by default): insurer, product and version, consent, and the deductible and caps the accumulators leave. Hospitals see every insurer's, an insurer its own; a POST so that identity numbers stay out of URLs",
    roles: ['clerk', 'adjuster', 'auditor'],
    params: noParams,
    query: noQuery,
    body: eligibilityBody,
    responses: { 200: '{date, policies: [...]}' },
    returns: { schema: OBJECT },
    handle: async ({ body }, { ledger, pseudonymiser }) => ({
      status: 200,
      body: await ledger.evaluate<Eligibility>(Tx.eligibility, withPatientRefs(body, pseudonymiser)),
    }),
  }),
];
