/**
 * Records the integration tests build on. The ledger outlives a test run, so every id is unique per run.
 */
import { createHash } from 'crypto';
import { Contract } from 'fabric-network';
import { Costs, SubmitSettlementRequest, Tx } from '../../../chaincode/src/api';
import { OrgConnections, submit } from './fabric';

export const ACTOR = 'integration-test';

let counter = 0;
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * An e-invoice as the gateway takes it, 18 digits (an invoice code, 44010026, then a 10-digit number) standing
 * for `name`: distinct names get distinct numbers but for a chance of about one in 10^10 per pair.
 */
export function invoiceNumberFor(name: string): string {
  const number = BigInt(`0x${sha256(name).slice(0, 16)}`) % 10_000_000_000n;
  return `44010026${number.toString().padStart(10, '0')}`;
}

/** A settlement's costs in fen, as the gateway takes them: 1500 out of the catalogue and 500 of innovative drugs. */
export const GATEWAY_COSTS = {
  total: 10000,
  fund: { pooled: 5000, seriousIllness: 1000, assistance: 0 },
  inCatalogueSelfPay: 2000,
  outOfCatalogue: 1500,
  innovativeDrug: 500,
};

/** Wide enough to cover both the settlements' dates and the transactions' own time. */
export const VALIDITY = { validFrom: '2020-01-01', validTo: '2099-12-31' };

export interface SeededPolicy {
  insurer: string;
  productId: string;
  policyRef: string;
  patientRef: string;
}

/**
 * An insurer's product and a patient's policy under it, plus the patient's consent recorded by Hospital1, so
 * that a settlement on the policy has a commercial share (and so writes the policy's accumulators). Each write
 * names the endorsers the gateway would: the insurer's peer must endorse every write to its collection.
 */
export async function seedPolicy(
  insurer: Contract,
  insurerMsp: string,
  hospital: Contract,
): Promise<SeededPolicy> {
  const catalogue = [insurerMsp, 'RegulatorMSP'];
  const productId = uniqueId('product');
  const policyRef = uniqueId('policy');
  const patientRef = sha256(uniqueId('patient'));
  await submit(
    insurer,
    Tx.publishProduct,
    {
      actor: ACTOR,
      productId,
      name: 'Integration test product',
      annualCap: 1_000_000,
      benefits: [{ category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 5000 }],
    },
    catalogue,
  );
  const policy = { actor: ACTOR, policyRef, productId, patientRef, ...VALIDITY };
  await submit(insurer, Tx.registerPolicy, policy, catalogue);
  const consent = {
    actor: ACTOR,
    authorisationId: uniqueId('consent'),
    patientRef,
    insurer: insurerMsp,
    purpose: 'CLAIM_SETTLEMENT',
    evidenceHash: sha256('signed consent form'),
    ...VALIDITY,
  } as const;
  await submit(hospital, Tx.recordAuthorisation, consent, ['Hospital1MSP', insurerMsp]);
  return { insurer: insurerMsp, productId, policyRef, patientRef };
}

const COSTS: Costs = {
  total: 100_000,
  fund: { pooled: 60_000, seriousIllness: 0, assistance: 0 },
  inCatalogueSelfPay: 20_000,
  outOfCatalogue: 20_000,
  innovativeDrug: 0,
};

export function settlementRequest(policy: SeededPolicy): SubmitSettlementRequest {
  return {
    actor: ACTOR,
    settlementId: uniqueId('settlement'),
    patientRef: policy.patientRef,
    policyRef: policy.policyRef,
    insurer: policy.insurer,
    invoiceHash: sha256(uniqueId('invoice')),
    admissionDate: '2025-03-01',
    dischargeDate: '2025-03-10',
    mode: 'PARALLEL',
    costs: COSTS,
  };
}

/** The pair most suites start from: an Insurer1 policy whose patient consented through Hospital1. */
export async function seedInsurer1Policy(orgs: OrgConnections): Promise<SeededPolicy> {
  return seedPolicy(await orgs.contract('insurer1'), 'Insurer1MSP', await orgs.contract('hospital1'));
}
