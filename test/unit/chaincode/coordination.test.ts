import { expect } from 'chai';
import { PRIOR_VERSIONS, Tx, type SubmitSettlementRequest } from '../../../chaincode/src/api';
import type { FakeFabric } from './support/fake-fabric';
import {
  H1,
  H2,
  I1,
  I2,
  REG,
  product,
  refusedUnchanged,
  seededWithTwoPolicies as twoPolicies,
  settlement,
} from './support/fixtures';

/** Insurer2's product pays all in-catalogue self-pay from the first fen: more than the first leaves. */
const GENEROUS = product({
  productId: 'ZHONGAN-2026',
  benefits: [{ category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 10000 }],
});

/** Insurer2's settlement on S-1 of the same invoice, as the hospital's gateway sends it. */
const second = (overrides: Partial<SubmitSettlementRequest> = {}) =>
  settlement({ settlementId: 'S-2', policyRef: 'POL-2', insurer: I2, priorSettlement: 'S-1', ...overrides });

/** The earlier settlements' versions as the hospital's peer stores them: what its gateway sends along. */
async function priors(fabric: FakeFabric, ...settlementIds: string[]): Promise<Record<string, string>> {
  const versions = [];
  for (const settlementId of settlementIds)
    versions.push((await fabric.query(H1, Tx.storedSettlement, { hospital: H1, settlementId })).stored);
  return { [PRIOR_VERSIONS]: JSON.stringify(versions) };
}

async function submitSecond(fabric: FakeFabric, overrides: Partial<SubmitSettlementRequest> = {}) {
  return fabric.invoke(H1, Tx.submitSettlement, second(overrides), await priors(fabric, 'S-1'));
}

describe('Coordination of benefits: a second insurer on the same invoice', () => {
  // S-1: 10,500,000 in total, 7,000,000 from the fund, 1,200,000 from Insurer1: 2,300,000 left to the patient.
  const LEFT = 2300000;

  it('pays towards what the first settlement left to the patient, and names it', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const result = await submitSecond(fabric);
    if (result.outcome !== 'RECORDED') expect.fail(result.outcome);
    // Insurer2's own rule: 80% of the 1,500,000 past its deductible, within what was left.
    expect(result.settlement.split).to.deep.include({
      commercialShare: 1200000,
      patientShare: LEFT - 1200000,
    });
    expect(result.settlement).to.deep.include({
      priorSettlement: 'S-1',
      insurer: I2,
      status: 'AWAITING_PAYOUT',
    });
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.deep.equal([]);
  });

  it('pays at most the remaining patient share, and its accumulators record what it paid', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(I2, Tx.publishProduct, GENEROUS);
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const result = await submitSecond(fabric);
    if (result.outcome !== 'RECORDED') expect.fail(result.outcome);
    expect(result.settlement.split).to.deep.include({ commercialShare: LEFT, patientShare: 0 });
    const eligibility = await fabric.query(H1, Tx.eligibility, { patientRef: settlement().patientRef });
    const pol2 = eligibility.policies.find((p) => p.policyRef === 'POL-2');
    expect(pol2?.remaining.total).to.equal(product().annualCap - LEFT);
  });

  it('a third claim beyond the remaining share, an unreferenced second claim and one by the first insurer again are duplicates', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(I2, Tx.publishProduct, GENEROUS);
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const unreferenced = await fabric.invoke(H1, Tx.submitSettlement, second({ priorSettlement: undefined }));
    expect(unreferenced.outcome).to.equal('DUPLICATE_INVOICE');
    const again = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-3', priorSettlement: 'S-1' }),
      await priors(fabric, 'S-1'),
    );
    expect(again.outcome).to.equal('DUPLICATE_INVOICE');
    expect((await submitSecond(fabric)).outcome).to.equal('RECORDED');
    const third = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-4', priorSettlement: 'S-2' }),
      await priors(fabric, 'S-2'),
    );
    if (third.outcome !== 'DUPLICATE_INVOICE') expect.fail(third.outcome);
    expect(third.existing).to.deep.equal({ hospital: H1, settlementId: 'S-2' });
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(3);
  });

  it('other costs, another hospital, or an earlier settlement that no longer stands are duplicates', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const costs = { ...settlement().costs, total: 10400000, inCatalogueSelfPay: 3400000 };
    expect((await submitSecond(fabric, { costs })).outcome).to.equal('DUPLICATE_INVOICE');
    const elsewhere = await fabric.invoke(H2, Tx.submitSettlement, second(), await priors(fabric, 'S-1'));
    expect(elsewhere.outcome).to.equal('DUPLICATE_INVOICE');
    await fabric.invoke(H1, Tx.reverseSettlement, {
      actor: 'c',
      hospital: H1,
      settlementId: 'S-1',
      reason: 'r',
    });
    expect((await submitSecond(fabric, { settlementId: 'S-5' })).outcome).to.equal('DUPLICATE_INVOICE');
  });

  it('refuses an earlier version that is not the current one, as it would a forged one, writing nothing', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const stale = await priors(fabric, 'S-1');
    await fabric.invoke(I1, Tx.disputeSettlement, {
      actor: 'a',
      hospital: H1,
      settlementId: 'S-1',
      reason: 'why',
    });
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, second(), stale),
      'INVALID_STATE',
    );
    const current = JSON.parse((await priors(fabric, 'S-1'))[PRIOR_VERSIONS]) as string[];
    const forged = current[0].replace('"patientShare":2300000', '"patientShare":9300000');
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, second(), { [PRIOR_VERSIONS]: JSON.stringify([forged]) }),
      'INVALID_STATE',
    );
  });

  it('the earlier settlement is not reversed while the later stands; reversed after it, it is', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await submitSecond(fabric);
    const reversal = (settlementId: string) => ({ actor: 'c', hospital: H1, settlementId, reason: 'wrong' });
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.reverseSettlement, reversal('S-1')),
      'INVALID_STATE',
    );
    await fabric.invoke(H1, Tx.reverseSettlement, reversal('S-2'));
    const reversed = await fabric.invoke(H1, Tx.reverseSettlement, reversal('S-1'));
    expect(reversed.record.status).to.equal('REVERSED');
  });

  it("a preview on the hospital's own peer reads the earlier settlement itself", async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const preview = await fabric.query(H1, Tx.previewSettlement, second());
    if (preview.outcome !== 'NEW') expect.fail(preview.outcome);
    expect(preview.split).to.deep.include({ commercialShare: 1200000, patientShare: LEFT - 1200000 });
  });

  it('the stored version is read only by those who may read the settlement', async () => {
    const fabric = await twoPolicies();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await refusedUnchanged(
      fabric,
      () => fabric.query(I2, Tx.storedSettlement, { hospital: H1, settlementId: 'S-1' }),
      'NOT_FOUND',
    );
  });
});
