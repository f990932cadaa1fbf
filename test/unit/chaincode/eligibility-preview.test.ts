import { expect } from 'chai';
import fc from 'fast-check';
import { Tx, type SettlementPreview } from '../../../chaincode/src/api';
import type { Costs } from '../../../chaincode/src/schemas';
import {
  H1,
  H2,
  I1,
  I2,
  OTHER_PATIENT,
  PATIENT,
  REG,
  refused,
  seeded,
  settlement,
  sha256,
} from './support/fixtures';

describe('Policies:eligibility', () => {
  it("shows any hospital the patient's policy with its product, consent and untouched accumulators", async () => {
    const fabric = await seeded();
    const { date, policies } = await fabric.query(H2, Tx.eligibility, { patientRef: PATIENT });
    expect(date).to.equal('2026-03-01');
    expect(policies).to.have.length(1);
    expect(policies[0]).to.deep.include({
      policyRef: 'POL-1',
      insurer: I1,
      productId: 'HUIMIN-2026',
      productVersion: 1,
      consent: { active: true, until: '2026-12-31' },
      accumulatorPeriod: 'CALENDAR_YEAR',
      periodStart: '2026-01-01',
    });
    expect(policies[0].remaining).to.deep.equal({
      total: 300000000,
      benefits: [
        { category: 'IN_CATALOGUE_SELF_PAY', ratioBps: 8000, deductible: 2000000, cap: null },
        { category: 'OUT_OF_CATALOGUE', ratioBps: 6000, deductible: 2000000, cap: null },
        { category: 'INNOVATIVE_DRUG', ratioBps: 7000, deductible: 0, cap: 100000000 },
      ],
    });
  });

  it('leaves less once a settlement used the deductible and paid', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const [policy] = (await fabric.query(H1, Tx.eligibility, { patientRef: PATIENT })).policies;
    expect(policy.remaining.total).to.equal(300000000 - 1200000);
    expect(policy.remaining.benefits[0].deductible).to.equal(0);
  });

  it("shows the policy to its insurer and regulators, not to another insurer, nor another patient's", async () => {
    const fabric = await seeded();
    expect((await fabric.query(I1, Tx.eligibility, { patientRef: PATIENT })).policies).to.have.length(1);
    expect((await fabric.query(REG, Tx.eligibility, { patientRef: PATIENT })).policies).to.have.length(1);
    expect((await fabric.query(I2, Tx.eligibility, { patientRef: PATIENT })).policies).to.deep.equal([]);
    expect((await fabric.query(H1, Tx.eligibility, { patientRef: OTHER_PATIENT })).policies).to.deep.equal(
      [],
    );
  });

  it('finds the policy under a former pseudonym, and only on dates it covers', async () => {
    const fabric = await seeded();
    const former = { patientRef: OTHER_PATIENT, formerPatientRefs: [PATIENT] };
    expect((await fabric.query(H1, Tx.eligibility, former)).policies).to.have.length(1);
    const later = await fabric.query(H1, Tx.eligibility, { patientRef: PATIENT, date: '2027-01-01' });
    expect(later).to.deep.equal({ date: '2027-01-01', policies: [] });
    await refused(
      fabric.query(H1, Tx.eligibility, { patientRef: PATIENT, date: '2026-02-30' }),
      'VALIDATION_FAILED',
    );
  });

  it('says when there is no consent', async () => {
    const fabric = await seeded({ consent: false });
    const [policy] = (await fabric.query(H1, Tx.eligibility, { patientRef: PATIENT })).policies;
    expect(policy.consent).to.deep.equal({ active: false, until: null });
  });
});

describe('Settlements:preview', () => {
  it('answers the split, status, payee and accumulators that the following submit records, writing nothing', async () => {
    const fabric = await seeded();
    const before = fabric.snapshot();
    const preview = await fabric.query(H1, Tx.previewSettlement, settlement());
    expect(fabric.lastWrites.size).to.equal(0);
    expect(fabric.snapshot()).to.equal(before);
    const submitted = await fabric.invoke(H1, Tx.submitSettlement, settlement());
    if (preview.outcome !== 'NEW' || submitted.outcome !== 'RECORDED') throw new Error('unexpected outcome');
    const { split, status, payee, period } = submitted.settlement;
    expect(preview).to.deep.include({ split, status, payee, period });
    expect(preview.accumulatorsAfter?.paidTotal).to.equal(split.commercialShare);
    // Previewed again, the same request finds the record.
    const again = await fabric.query(H1, Tx.previewSettlement, settlement());
    expect(again).to.deep.equal({ outcome: 'EXISTING', split, status, payee, period });
  });

  it('names the settlement whose invoice a preview would reuse, and writes no alert', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const before = fabric.snapshot();
    const reuse = settlement({ settlementId: 'S-2' });
    expect(await fabric.query(H1, Tx.previewSettlement, reuse)).to.deep.equal({
      outcome: 'DUPLICATE_INVOICE',
      existing: { hospital: H1, settlementId: 'S-1' },
    });
    expect(fabric.snapshot()).to.equal(before);
  });

  it('is for hospitals, and refuses what submit refuses', async () => {
    const fabric = await seeded();
    await refused(fabric.query(I1, Tx.previewSettlement, settlement()), 'FORBIDDEN');
    await refused(
      fabric.query(H1, Tx.previewSettlement, settlement({ policyRef: 'NONE' })),
      'VALIDATION_FAILED',
    );
  });

  it('previews exactly the split that is then recorded, for any costs', async () => {
    const fabric = await seeded();
    let n = 0;
    const amount = fc.integer({ min: 0, max: 5_000_000 });
    const costs = fc
      .record({ pooled: amount, self: amount, out: amount, drug: amount, other: amount })
      .map(({ pooled, self, out, drug, other }): Costs => ({
        total: pooled + other + self + out + drug,
        fund: { pooled, seriousIllness: 0, assistance: 0, other },
        inCatalogueSelfPay: self,
        outOfCatalogue: out,
        innovativeDrug: drug,
      }));
    await fc.assert(
      fc.asyncProperty(costs, fc.constantFrom('PARALLEL' as const, 'SERIES' as const), async (c, mode) => {
        n += 1;
        const request = settlement({ settlementId: `P-${n}`, invoiceHash: sha256(`p-${n}`), costs: c, mode });
        const preview: SettlementPreview = await fabric.query(H1, Tx.previewSettlement, request);
        const submitted = await fabric.invoke(H1, Tx.submitSettlement, request);
        if (preview.outcome !== 'NEW' || submitted.outcome !== 'RECORDED')
          throw new Error('unexpected outcome');
        expect(preview.split).to.deep.equal(submitted.settlement.split);
        expect(preview.status).to.equal(submitted.settlement.status);
      }),
      { numRuns: 60 },
    );
  });
});
