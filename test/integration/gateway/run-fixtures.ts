/**
 * What the gateway suites make for themselves, unique to each run so that they never meet an earlier run's
 * records: ids, patients (identity numbers), an Insurer1 product and a patient's cover by it with consent.
 */
import { expect } from 'chai';
import type { Alert } from '../../../chaincode/src/api';
import { randomBytes } from 'node:crypto';
import { VALIDITY } from '../support/fixtures';
import { Answer, call, mspIdOf } from './harness';

export const RUN = randomBytes(4).toString('hex');
export const id = (name: string): string => `${name}-${RUN}`;

/**
 * A resident identity number that is this run's own: 18 characters, the last a digit. A suite takes its own
 * `series` (0-9, the birth year's last digit) so that its patients are not another suite's.
 */
export function idNumber(n: number, series = 0): string {
  const run = parseInt(RUN, 16).toString().padStart(10, '0').slice(0, 7);
  return `110105199${series}${run}${n}`;
}
export const patient = (n: number, series = 0) => ({ idType: 'RESIDENT_ID', idNumber: idNumber(n, series) });

export function expectStatus(answer: Answer, status: number): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
}

/** The insurer (insurer1 by default) publishes a product paying 80 %, 60 % and 70 % of the three categories. */
export async function publishProduct(productId: string, insurer = 'insurer1'): Promise<void> {
  const product = {
    productId,
    name: 'Run cover',
    annualCap: 100_000_000,
    benefits: [
      { category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 8000 },
      { category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 6000 },
      { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000 },
    ],
  };
  expectStatus(await call(insurer, 'POST', '/v1/products', product), 201);
}

/**
 * The insurer's (insurer1's by default) policy `policyRef` on the product for the patient, with the patient's
 * consent recorded at hospital1.
 */
export async function cover(
  who: object,
  productId: string,
  policyRef: string,
  insurer = 'insurer1',
): Promise<void> {
  expectStatus(
    await call(insurer, 'POST', '/v1/policies', { policyRef, productId, patient: who, ...VALIDITY }),
    201,
  );
  const consent = {
    authorisationId: id(`AUTH-${policyRef}`),
    patient: who,
    insurer: mspIdOf(insurer),
    purpose: 'CLAIM_SETTLEMENT',
    ...VALIDITY,
    evidenceHash: 'e'.repeat(64),
  };
  expectStatus(await call('hospital1', 'POST', '/v1/authorisations', consent), 201);
}

/** Every alert `org` is shown at `path` (a list of alerts with its query), page after page. */
export async function everyAlert(org: string, path: string): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call(org, 'GET', `${path}${separator}limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    expectStatus(page, 200);
    alerts.push(...(page.body.items as Alert[]));
    cursor = page.body.nextCursor as string | null;
  }
  return alerts;
}
