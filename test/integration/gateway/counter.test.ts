/**
 * At the discharge counter, over HTTP against the real network: eligibility from the patient alone, a preview
 * that makes no block and equals the submit after it, settlements from the national platform's 2207 output
 * (exact fen, refusals naming the field, nothing recorded), a 2208 cancellation reversing one, and the payee of
 * a SERIES settlement. Fresh ids every run.
 */
import { expect } from 'chai';
import { VECTORS_2207, type Vector2207 } from '../../vectors/load';
import { GATEWAY_COSTS as costs, invoiceNumberFor, VALIDITY } from '../support/fixtures';
import { call, ensureGateways, stopStartedGateways } from './harness';
import { cover as coverBy, expectStatus, id, idNumber, patient, publishProduct } from './run-fixtures';

const height = async (): Promise<number> =>
  (await call('hospital1', 'GET', '/healthz', undefined, null)).body.ledger.blockHeight;

/** A vector's 2207 output as this run's own: its setl_id, invoice and patient unique to the run. */
function outputOf(vector: Vector2207, n: number) {
  const setlinfo = { ...vector.output.setlinfo, setl_id: id(`SETL-${n}`), certno: idNumber(n) };
  delete (setlinfo as { invono?: string }).invono;
  return { ...vector.output, setlinfo };
}

describe('at the discharge counter', function () {
  this.timeout(120_000);
  const productId = id('COUNTER');

  /** Insurer1's policy for patient n, with the patient's consent recorded at hospital1. */
  async function cover(n: number): Promise<string> {
    const policyRef = id(`POL-${n}`);
    await coverBy(patient(n), productId, policyRef);
    return policyRef;
  }

  before(async () => {
    await ensureGateways();
    await publishProduct(productId);
  });
  after(() => stopStartedGateways());

  it("finds the patient's policy from the patient alone, and settles with it", async () => {
    const policyRef = await cover(1);
    const found = await call('hospital1', 'POST', '/v1/eligibility', { patient: patient(1) });
    expectStatus(found, 200);
    expect(found.body.policies).to.have.length(1);
    expect(found.body.policies[0]).to.deep.include({
      policyRef,
      insurer: 'Insurer1MSP',
      productId,
      productVersion: 1,
      accumulatorPeriod: 'CALENDAR_YEAR',
    });
    expect(found.body.policies[0].consent).to.deep.equal({ active: true, until: VALIDITY.validTo });
    const settlement = {
      settlementId: id('S-1'),
      patient: patient(1),
      policyRef: found.body.policies[0].policyRef,
      invoiceNumber: invoiceNumberFor(id('invoice-1')),
      admissionDate: '2026-03-01',
      dischargeDate: '2026-03-04',
      mode: 'PARALLEL',
      costs,
    };
    expectStatus(await call('hospital1', 'POST', '/v1/settlements', settlement), 201);
    const after = await call('hospital1', 'POST', '/v1/eligibility', {
      patient: patient(1),
      date: '2026-03-04',
    });
    expect(after.body.policies[0].remaining.total).to.be.lessThan(100_000_000);
  });

  it("shows the policy to another hospital's clerk, but not to another insurer's adjuster", async () => {
    await cover(2);
    const seen = async (org: 'hospital2' | 'insurer1' | 'insurer2' | 'regulator') =>
      (await call(org, 'POST', '/v1/eligibility', { patient: patient(2) })).body.policies.length;
    expect(await seen('hospital2')).to.equal(1);
    expect(await seen('insurer1')).to.equal(1);
    expect(await seen('regulator')).to.equal(1);
    expect(await seen('insurer2')).to.equal(0);
  });

  it('previews without making a block, and the submit that follows records the same split', async () => {
    const policyRef = await cover(3);
    const settlement = {
      settlementId: id('S-3'),
      patient: patient(3),
      policyRef,
      invoiceNumber: invoiceNumberFor(id('invoice-3')),
      admissionDate: '2026-03-01',
      dischargeDate: '2026-03-04',
      mode: 'PARALLEL',
      costs,
    };
    const before = await height();
    const preview = await call('hospital1', 'POST', '/v1/settlements/preview', settlement);
    expectStatus(preview, 200);
    expect(preview.body.outcome).to.equal('NEW');
    expect(await height()).to.equal(before);
    const recorded = await call('hospital1', 'POST', '/v1/settlements', settlement);
    expectStatus(recorded, 201);
    expect(recorded.body.split).to.deep.equal(preview.body.split);
    expect(recorded.body.status).to.equal(preview.body.status);
  });

  it('records a 2207 output with exactly the expected fen, and a 2208 cancellation reverses it', async () => {
    const vector = VECTORS_2207[0];
    const policyRef = await cover(4);
    const body = {
      output: outputOf(vector, 4),
      policyRef,
      mode: 'PARALLEL',
      invoiceNumber: invoiceNumberFor(id('invoice-4')),
      innovativeDrug: vector.innovativeDrug,
    };
    const recorded = await call('hospital1', 'POST', '/v1/settlements/from-2207', body);
    expectStatus(recorded, 201);
    expect(recorded.body.costs).to.deep.equal(vector.expect.costs);
    expect(recorded.body.settlementId).to.equal(id('SETL-4'));
    expect(recorded.body.payee).to.equal('HOSPITAL');
    const cancellation = { setl_id: id('SETL-4'), mdtrt_id: 'MDTRT-4' };
    const reversed = await call('hospital1', 'POST', '/v1/settlements/from-2208', { cancellation });
    expectStatus(reversed, 201);
    expect(reversed.body.status).to.equal('REVERSED');
  });

  it('refuses a 2207 output that is wrong in any way with a coded 400, and records nothing', async () => {
    const vector = VECTORS_2207[1];
    const policyRef = await cover(5);
    const output = outputOf(vector, 5);
    const body = (setlinfo: object) => ({
      output: { ...output, setlinfo: { ...output.setlinfo, ...setlinfo } },
      policyRef,
      mode: 'PARALLEL',
      invoiceNumber: invoiceNumberFor(id('invoice-5')),
    });
    const cases: [string, object, string][] = [
      ['more than two decimals', { hifp_pay: '15200.551' }, 'body.output.setlinfo.hifp_pay'],
      ['a negative amount', { maf_pay: -5 }, 'body.output.setlinfo.maf_pay'],
      ['parts that do not add up', { hifp_pay: '15200.56' }, 'body.output.setlinfo.fund_pay_sumamt'],
      ['an unknown field', { bonus_pay: '1.00' }, 'body.output.setlinfo'],
    ];
    for (const [what, change, field] of cases) {
      const refused = await call('hospital1', 'POST', '/v1/settlements/from-2207', body(change));
      expect(refused.status, what).to.equal(400);
      expect(refused.body.code, what).to.equal('VALIDATION_FAILED');
      expect(
        refused.body.errors.map((e: { path: string }) => e.path),
        what,
      ).to.include(field);
    }
    const path = `/v1/settlements/Hospital1MSP/${id('SETL-5')}`;
    expectStatus(await call('hospital1', 'GET', path), 404);
  });

  it('names the patient as the payee of a SERIES settlement and of its payout', async () => {
    const vector = VECTORS_2207[1];
    await cover(6);
    // No policyRef: the patient holds one policy active on the discharge date.
    const body = {
      output: outputOf(vector, 6),
      mode: 'SERIES',
      invoiceNumber: invoiceNumberFor(id('invoice-6')),
    };
    const recorded = await call('hospital1', 'POST', '/v1/settlements/from-2207', body);
    expectStatus(recorded, 201);
    expect(recorded.body).to.deep.include({ payee: 'PATIENT', policyRef: id('POL-6') });
    const payout = {
      amount: recorded.body.split.commercialShare,
      paidAt: '2026-03-05',
      paymentReference: id('PAY-6'),
    };
    const path = `/v1/settlements/Hospital1MSP/${id('SETL-6')}/payout`;
    const paid = await call('insurer1', 'POST', path, payout);
    expectStatus(paid, 201);
    expect(paid.body.payout).to.deep.include({ payee: 'PATIENT', amount: payout.amount });
  });
});
