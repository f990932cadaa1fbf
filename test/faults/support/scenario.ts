/**
 * Records the fault tests build on, written through the gateways as a real client would: an insurer's product
 * and a patient's policy under it, the patient's consent recorded by each hospital that will settle on it, and
 * settlement requests with ids unique to this run (the ledger outlives a run).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Costs } from '../../../chaincode/src/api';
import { invoiceNumberFor } from '../../integration/support/fixtures';
import { mspOf, OrgId } from './gateways';
import type { Lane } from './load';
import { call } from './http';
import { until } from './processes';

export const RUN = randomBytes(4).toString('hex');
let counter = 0;
/** An id unique to this run, e.g. `peer-1f2e3d4c-7`. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${RUN}-${counter}`;
}

/**
 * Waits until an organisation's gateway reads a record another one wrote: a 201 means the writer's own peer
 * committed it, and the insurer acts once its peer has too, as its clerk would on the settlement's event.
 */
export async function readableBy(org: OrgId, path: string): Promise<void> {
  await until(`${org} to read ${path}`, async () => (await call(org, 'GET', path)).status === 200);
}

export const DISCHARGE_YEAR = '2026';

export interface Benefit {
  category: 'IN_CATALOGUE_SELF_PAY' | 'OUT_OF_CATALOGUE' | 'INNOVATIVE_DRUG';
  deductible: number;
  ratioBps: number;
  annualCap?: number;
}

export interface Policy {
  insurer: OrgId;
  policyRef: string;
  patient: { idType: 'RESIDENT_ID'; idNumber: string };
}

export const DEFAULT_PRODUCT = {
  annualCap: 100_000_000,
  benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 8000 }] as Benefit[],
};

async function expectWritten(org: OrgId, path: string, body: object): Promise<void> {
  const answer = await call(org, 'POST', path, body);
  expect(answer.status, `${org} POST ${path}: ${JSON.stringify(answer.body)}`).to.be.oneOf([200, 201]);
}

/** A product and a policy of `insurer`, with the patient's consent recorded by each of `hospitals`. */
export async function seedPolicy(
  insurer: OrgId,
  hospitals: OrgId[],
  product: { annualCap: number; benefits: Benefit[] } = DEFAULT_PRODUCT,
  patient = { idType: 'RESIDENT_ID' as const, idNumber: uniqueId('ID') },
): Promise<Policy> {
  const productId = uniqueId('PROD');
  const policyRef = uniqueId('POL');
  const validity = { validFrom: '2020-01-01', validTo: '2099-12-31' };
  await expectWritten(insurer, '/v1/products', { productId, name: 'Fault test product', ...product });
  await expectWritten(insurer, '/v1/policies', { policyRef, productId, patient, ...validity });
  for (const hospital of hospitals) {
    await expectWritten(hospital, '/v1/authorisations', {
      authorisationId: uniqueId('AUTH'),
      patient,
      insurer: mspOf(insurer),
      purpose: 'CLAIM_SETTLEMENT',
      evidenceHash: 'e'.repeat(64),
      ...validity,
    });
  }
  return { insurer, policyRef, patient };
}

export const COSTS: Costs = {
  total: 10_000,
  fund: { pooled: 6_000, seriousIllness: 0, assistance: 0 },
  inCatalogueSelfPay: 1_000,
  outOfCatalogue: 2_500,
  innovativeDrug: 500,
};

export interface SettlementBody {
  settlementId: string;
  patient: Policy['patient'];
  policyRef: string;
  invoiceNumber: string;
  admissionDate: string;
  dischargeDate: string;
  mode: 'PARALLEL';
  costs: Costs;
}

export function settlementBody(policy: Policy, settlementId: string, costs: Costs = COSTS): SettlementBody {
  return {
    settlementId,
    patient: policy.patient,
    policyRef: policy.policyRef,
    invoiceNumber: invoiceNumberFor(settlementId),
    admissionDate: `${DISCHARGE_YEAR}-05-01`,
    dischargeDate: `${DISCHARGE_YEAR}-05-03`,
    mode: 'PARALLEL',
    costs,
  };
}

let lanes: Promise<Lane[]> | undefined;
/**
 * Policies for steady load, seeded once per run: each hospital settles on two policies of its own insurer
 * (hospital1 with insurer1, hospital2 with insurer2), so that concurrent settlements rarely update the same
 * policy's accumulators (hot keys are a test of their own).
 */
export function loadLanes(): Promise<Lane[]> {
  lanes ??= (async () => {
    const result: Lane[] = [];
    for (const [org, insurer] of [
      ['hospital1', 'insurer1'],
      ['hospital2', 'insurer2'],
    ] as [OrgId, OrgId][]) {
      for (let i = 0; i < 2; i++) result.push({ org, policy: await seedPolicy(insurer, [org]) });
    }
    return result;
  })();
  return lanes;
}
