import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Tx } from '../../../chaincode/src/api';
import { canonicalJson } from '../../../chaincode/src/canonical';
import type { FakeFabric } from './support/fake-fabric';
import {
  H1,
  H2,
  I1,
  I2,
  REG,
  refused,
  refusedUnchanged,
  seeded,
  settlement,
  sha256,
} from './support/fixtures';

/** Three settlements of Hospital1 with Insurer1, discharged in February 2026, with their commercial shares. */
async function threeSettled(): Promise<{ fabric: FakeFabric; shares: number[] }> {
  const fabric = await seeded();
  const shares: number[] = [];
  for (const n of [1, 2, 3]) {
    const result = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: `S-${n}`, invoiceHash: sha256(`invoice-${n}`) }),
    );
    if (result.outcome !== 'RECORDED') expect.fail(result.outcome);
    shares.push(result.settlement.split.commercialShare);
  }
  return { fabric, shares };
}

const payment = { actor: 'finance-1', hospital: H1, paymentReference: 'BANK-1', paidAt: '2026-03-01' };
const month = { hospital: H1, insurer: I1, month: '2026-02' };

describe('Bulk payouts', () => {
  it('pays each item that is right, refuses the one that is not, and the remittance lists the paid', async () => {
    const { fabric, shares } = await threeSettled();
    const items = [
      { settlementId: 'S-1', amount: shares[0] },
      { settlementId: 'S-2', amount: shares[1] + 1 },
      { settlementId: 'S-3', amount: shares[2] },
    ];
    const { results, remittance } = await fabric.invoke(I1, Tx.payoutBatch, { ...payment, items });
    expect(results.map((r) => r.outcome)).to.deep.equal(['PAID', 'REJECTED', 'PAID']);
    const refusal = results[1];
    expect(refusal.outcome === 'REJECTED' && refusal.error.code).to.equal('AMOUNT_MISMATCH');
    expect(remittance).to.deep.include({ total: shares[0] + shares[2], paidAt: '2026-03-01' });
    expect(remittance.items.map((i) => i.settlementId)).to.deep.equal(['S-1', 'S-3']);
    const paid = await fabric.query(I1, Tx.getSettlement, { hospital: H1, settlementId: 'S-3' });
    expect(paid.payout).to.deep.include({ paymentReference: 'BANK-1', amount: shares[2] });

    // The same request again pays nothing twice; the corrected item joins the same payment.
    const again = await fabric.invoke(I1, Tx.payoutBatch, { ...payment, items });
    expect(again.results.map((r) => r.outcome)).to.deep.equal(['EXISTING', 'REJECTED', 'EXISTING']);
    const fixed = { ...payment, items: [{ settlementId: 'S-2', amount: shares[1] }] };
    expect((await fabric.invoke(I1, Tx.payoutBatch, fixed)).remittance.items).to.have.length(3);
    const read = await fabric.query(H1, Tx.remittance, {
      hospital: H1,
      insurer: I1,
      paymentReference: 'BANK-1',
    });
    expect(read.total).to.equal(shares[0] + shares[1] + shares[2]);
  });

  it("refuses items of another hospital's, another insurer's or another day's payment one by one", async () => {
    const { fabric, shares } = await threeSettled();
    await fabric.invoke(I1, Tx.payoutBatch, {
      ...payment,
      items: [{ settlementId: 'S-1', amount: shares[0] }],
    });
    const otherDay = {
      ...payment,
      paidAt: '2026-02-28',
      items: [{ settlementId: 'S-2', amount: shares[1] }],
    };
    const [late] = (await fabric.invoke(I1, Tx.payoutBatch, otherDay)).results;
    expect(late.outcome === 'REJECTED' && late.error.code).to.equal('ID_CONFLICT');
    const [foreign] = (
      await fabric.invoke(I2, Tx.payoutBatch, {
        ...payment,
        items: [{ settlementId: 'S-3', amount: shares[2] }],
      })
    ).results;
    expect(foreign.outcome === 'REJECTED' && foreign.error.code).to.equal('NOT_FOUND');
    const key = { hospital: H1, insurer: I1, paymentReference: 'BANK-1' };
    for (const stranger of [H2, I2]) await refused(fabric.query(stranger, Tx.remittance, key), 'NOT_FOUND');
    expect((await fabric.query(REG, Tx.remittance, key)).items).to.have.length(1);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.payoutBatch, { ...payment, items: [{ settlementId: 'S-2', amount: 1 }] }),
      'FORBIDDEN',
    );
  });
});

describe('Pairs that are not a registered hospital and insurer', () => {
  it('have no statement, remittance or payment: NOT_FOUND, reading no collection', async () => {
    const { fabric } = await threeSettled();
    for (const pair of [
      { hospital: H1, insurer: 'Nobody1MSP' },
      { hospital: I1, insurer: H1 },
    ]) {
      await refused(fabric.query(REG, Tx.statement, { ...pair, month: '2026-02' }), 'NOT_FOUND');
      await refused(fabric.query(REG, Tx.statementLines, { ...pair, month: '2026-02' }), 'NOT_FOUND');
      const remittance = { ...pair, paymentReference: 'BANK-1' };
      await refused(fabric.query(REG, Tx.remittance, remittance), 'NOT_FOUND');
    }
    const items = [{ settlementId: 'S-1', amount: 1 }];
    const paid = await fabric.invoke(I1, Tx.payoutBatch, { ...payment, hospital: 'Nobody1MSP', items });
    expect(paid.remittance.items).to.deep.equal([]);
    expect(paid.results[0].outcome === 'REJECTED' && paid.results[0].error.code).to.equal('NOT_FOUND');
  });
});

describe('Month-end statements', () => {
  const lines = async (fabric: FakeFabric) => (await fabric.query(H1, Tx.statementLines, month)).items;
  const ids = (fabric: FakeFabric) => lines(fabric).then((items) => items.map((line) => line.settlementId));
  const confirm = async (fabric: FakeFabric, mspId: string, listHash: string) =>
    fabric.invoke(mspId, Tx.confirmStatement, {
      actor: 'finance-1',
      ...month,
      listHash,
      settlementIds: await ids(fabric),
    });

  it('totals the lines of the month, whose hash anyone holding them can recompute', async () => {
    const { fabric, shares } = await threeSettled();
    const statement = await fabric.query(I1, Tx.statement, month);
    const listed = await lines(fabric);
    expect(listed.map((line) => line.settlementId)).to.deep.equal(['S-1', 'S-2', 'S-3']);
    expect(statement.listHash).to.equal(createHash('sha256').update(canonicalJson(listed)).digest('hex'));
    expect(statement.totals).to.deep.include({
      count: 3,
      commercialShare: shares[0] + shares[1] + shares[2],
      outstanding: shares[0] + shares[1] + shares[2],
      paid: 0,
    });
    const page = await fabric.query(H1, Tx.statementLines, { ...month, limit: 2 });
    const rest = await fabric.query(H1, Tx.statementLines, { ...month, limit: 2, bookmark: page.bookmark });
    expect([...page.items, ...rest.items]).to.deep.equal(listed);
    expect(rest.bookmark).to.equal('');
    expect((await fabric.query(H1, Tx.statement, { ...month, month: '2026-03' })).totals.count).to.equal(0);
    for (const stranger of [H2, I2]) await refused(fabric.query(stranger, Tx.statement, month), 'NOT_FOUND');
  });

  it("reconciles one hospital's settlements with one insurer over a period from the statements' lines alike", async () => {
    const { fabric, shares } = await threeSettled();
    const items = [{ settlementId: 'S-1', amount: shares[0] }];
    await fabric.invoke(I1, Tx.payoutBatch, { ...payment, items });
    const reversal = { actor: 'clerk-1', hospital: H1, settlementId: 'S-2', reason: 'wrong' };
    await fabric.invoke(H1, Tx.reverseSettlement, reversal);
    const period = { from: '2026-01-15', to: '2026-02-27' };
    const fromLines = await fabric.query(REG, Tx.reconciliation, { ...period, hospital: H1, insurer: I1 });
    expect(fromLines).to.deep.include({ count: 2, paid: shares[0], outstanding: shares[2] });
    // One party named, or none: every registered pair's lines, the same totals here.
    for (const [caller, filter] of [
      [REG, {}],
      [REG, { hospital: H1 }],
      [I1, { hospital: H1 }],
      [H1, {}],
    ] as const)
      expect(await fabric.query(caller, Tx.reconciliation, { ...period, ...filter })).to.deep.equal(
        fromLines,
      );
    // Without a period the settlements themselves are read, to the same totals.
    expect(await fabric.query(REG, Tx.reconciliation, {})).to.deep.equal(fromLines);
    const before = { from: '2026-01-01', to: '2026-02-26' };
    expect((await fabric.query(H1, Tx.reconciliation, { ...before, insurer: I1 })).count).to.equal(0);
    const stranger = { ...period, hospital: H1, insurer: 'Nobody1MSP' };
    expect((await fabric.query(REG, Tx.reconciliation, stranger)).count).to.equal(0);
  });

  it('is agreed once both parties confirm the same list; a later change raises PERIOD_CHANGED', async () => {
    const { fabric } = await threeSettled();
    const { listHash } = await fabric.query(H1, Tx.statement, month);
    await refusedUnchanged(fabric, () => confirm(fabric, H1, sha256('another list')), 'INVALID_STATE');
    await refusedUnchanged(fabric, () => confirm(fabric, H2, listHash), 'NOT_FOUND');
    expect((await confirm(fabric, H1, listHash)).created).to.equal(true);
    expect((await confirm(fabric, H1, listHash)).created).to.equal(false);
    expect((await fabric.query(REG, Tx.statement, month)).agreed).to.equal(false);
    const insurers = await confirm(fabric, I1, listHash);
    expect(insurers.record).to.deep.include({ listHash, count: 3 });
    expect((await fabric.query(REG, Tx.statement, month)).agreed).to.equal(true);

    const reversal = { actor: 'clerk-1', hospital: H1, settlementId: 'S-2', reason: 'late correction' };
    await fabric.invoke(H1, Tx.reverseSettlement, reversal);
    const changed = await fabric.query(I1, Tx.statement, month);
    expect(changed).to.deep.include({ agreed: false, needsReconfirmation: true });
    const { items } = await fabric.query(I1, Tx.listAlerts, { type: 'PERIOD_CHANGED' });
    expect(items.map((alert) => [alert.period, alert.attempted.settlementId])).to.deep.equal([
      ['2026-02', 'S-2'],
    ]);
    expect(items[0].parties).to.deep.equal([H1, I1]);
  });

  it('changes nothing and raises nothing for a step that leaves the line as it was', async () => {
    const { fabric } = await threeSettled();
    await fabric.invoke(I1, Tx.disputeSettlement, {
      actor: 'a',
      hospital: H1,
      settlementId: 'S-1',
      reason: 'why',
    });
    const { listHash } = await fabric.query(H1, Tx.statement, month);
    await confirm(fabric, H1, listHash);
    await confirm(fabric, I1, listHash);
    const answer = { actor: 'c', hospital: H1, settlementId: 'S-1', reason: 'summary attached' };
    await fabric.invoke(H1, Tx.answerDispute, answer);
    expect((await fabric.query(REG, Tx.statement, month)).agreed).to.equal(true);
    expect((await fabric.query(REG, Tx.listAlerts, { type: 'PERIOD_CHANGED' })).items).to.deep.equal([]);
  });
});
