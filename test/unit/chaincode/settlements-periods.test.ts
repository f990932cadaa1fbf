import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import type { FakeFabric } from './support/fake-fabric';
import { authorisation, H1, I1, policy, product, REG, serving, settlement, sha256 } from './support/fixtures';

/** A policy from 1 July 2025 on a product whose accumulators run by policy year (or, for comparison, not). */
async function policyFromJuly(accumulatorPeriod: 'POLICY_YEAR' | 'CALENDAR_YEAR'): Promise<FakeFabric> {
  const fabric = await serving();
  await fabric.invoke(I1, Tx.publishProduct, product({ productId: 'YEARLY', accumulatorPeriod }));
  const validity = { validFrom: '2025-07-01', validTo: '2026-06-30' };
  await fabric.invoke(I1, Tx.registerPolicy, policy({ productId: 'YEARLY', ...validity }));
  await fabric.invoke(H1, Tx.recordAuthorisation, authorisation(validity));
  return fabric;
}

/** Two stays on either side of New Year; the in-catalogue deductible (2,000,000) is used up by the first. */
async function winterStays(fabric: FakeFabric) {
  const stay = (n: number, admissionDate: string, dischargeDate: string) =>
    fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({
        settlementId: `S-${n}`,
        invoiceHash: sha256(`invoice-${n}`),
        admissionDate,
        dischargeDate,
      }),
    );
  const december = await stay(1, '2025-12-10', '2025-12-20');
  const january = await stay(2, '2026-01-05', '2026-01-10');
  if (december.outcome !== 'RECORDED' || january.outcome !== 'RECORDED') throw new Error('not recorded');
  return { december: december.settlement, january: january.settlement };
}

describe('accumulator periods and payees of settlements', () => {
  it('counts a policy year across New Year: the deductible used in December is not applied again in January', async () => {
    const { december, january } = await winterStays(await policyFromJuly('POLICY_YEAR'));
    expect([december.period, january.period]).to.deep.equal(['2025-07-01', '2025-07-01']);
    expect(december.split.lines[0].deductibleApplied).to.equal(2000000);
    expect(january.split.lines[0].deductibleApplied).to.equal(0);
    expect(january.split.commercialShare).to.equal(2800000);
  });

  it('starts a new calendar year in January for a product that runs by calendar year', async () => {
    const { december, january } = await winterStays(await policyFromJuly('CALENDAR_YEAR'));
    expect([december.period, january.period]).to.deep.equal(['2025', '2026']);
    expect(january.split.lines[0].deductibleApplied).to.equal(2000000);
  });

  it("gives a reversal's contributions back to the settlement's own period", async () => {
    const fabric = await policyFromJuly('POLICY_YEAR');
    const { december } = await winterStays(fabric);
    const reversal = { actor: 'clerk-1', hospital: H1, settlementId: december.settlementId, reason: 'error' };
    await fabric.invoke(H1, Tx.reverseSettlement, reversal);
    const again = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({
        settlementId: 'S-3',
        invoiceHash: sha256('invoice-3'),
        admissionDate: '2026-01-28',
        dischargeDate: '2026-02-01',
      }),
    );
    if (again.outcome !== 'RECORDED') throw new Error('not recorded');
    // The January stay used no deductible, so with December's taken back the deductible is due again.
    expect(again.settlement.split.lines[0].deductibleApplied).to.equal(2000000);
  });

  it('owes the commercial share to the hospital in PARALLEL mode and to the patient in SERIES mode', async () => {
    const fabric = await policyFromJuly('CALENDAR_YEAR');
    const submit = (n: number, mode: 'PARALLEL' | 'SERIES') =>
      fabric.invoke(
        H1,
        Tx.submitSettlement,
        settlement({ settlementId: `S-${n}`, invoiceHash: sha256(`invoice-${n}`), mode }),
      );
    const parallel = await submit(1, 'PARALLEL');
    const series = await submit(2, 'SERIES');
    if (parallel.outcome !== 'RECORDED' || series.outcome !== 'RECORDED') throw new Error('not recorded');
    expect([parallel.settlement.payee, series.settlement.payee]).to.deep.equal(['HOSPITAL', 'PATIENT']);
    const payout = {
      actor: 'adjuster-1',
      hospital: H1,
      settlementId: 'S-2',
      amount: series.settlement.split.commercialShare,
      paidAt: '2026-03-01',
      paymentReference: 'PAY-2',
    };
    const { record } = await fabric.invoke(I1, Tx.payoutSettlement, payout);
    expect(record.payout).to.deep.include({ payee: 'PATIENT', amount: payout.amount });
    // The payee is the settlement's, whatever the replay says: the same payout again writes nothing.
    expect((await fabric.invoke(I1, Tx.payoutSettlement, payout)).created).to.equal(false);
    const { byPayee } = await fabric.query(REG, Tx.reconciliation, {});
    const share = parallel.settlement.split.commercialShare;
    expect(byPayee.HOSPITAL).to.deep.equal({
      count: 1,
      commercialShare: share,
      paid: 0,
      recovered: 0,
      net: 0,
      outstanding: share,
    });
    expect(byPayee.PATIENT).to.deep.equal({
      count: 1,
      commercialShare: payout.amount,
      paid: payout.amount,
      recovered: 0,
      net: payout.amount,
      outstanding: 0,
    });
  });
});
