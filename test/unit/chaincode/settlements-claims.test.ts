import { expect } from 'chai';
import { Tx, type Settlement } from '../../../chaincode/src/api';
import { privateSlot, type FakeFabric } from './support/fake-fabric';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  I2,
  REG,
  compositeKey,
  refused,
  refusedUnchanged,
  replayedUnchanged,
  seeded,
  settlement,
  sha256,
} from './support/fixtures';

const key = { hospital: H1, settlementId: 'S-1' };
const dispute = { actor: 'adjuster-1', ...key, reason: 'stay looks too long' };
const answer = {
  actor: 'clerk-1',
  ...key,
  reason: 'discharge summary attached',
  evidenceHash: sha256('summary'),
};
const withdrawal = { actor: 'adjuster-2', ...key, reason: 'summary convinces' };
const upholding = { actor: 'adjuster-2', ...key, reason: 'not medically necessary' };
const payout = {
  actor: 'adjuster-1',
  ...key,
  amount: EXPECTED_COMMERCIAL_SHARE,
  paidAt: '2026-03-01',
  paymentReference: 'PAY-1',
};
const recovery = (amount: number, reference = 'REC-1') => ({
  actor: 'adjuster-3',
  ...key,
  amount,
  reason: 'audit finding: items not provided',
  reference,
  recoveredAt: '2026-03-01T07:00:00Z',
});

const ACCUMULATORS = privateSlot('policies_Insurer1MSP', compositeKey('accumulators', I1, 'POL-1'));

function accumulators(fabric: FakeFabric) {
  const stored = fabric.privateState.get(ACCUMULATORS)!.toString();
  type Year = { paidTotal: number; paid: object; deductibleUsed: object };
  return (JSON.parse(stored) as { years: Record<string, Year> }).years['2026'];
}

async function disputed(): Promise<FakeFabric> {
  const fabric = await seeded();
  await fabric.invoke(H1, Tx.submitSettlement, settlement());
  await fabric.invoke(I1, Tx.disputeSettlement, dispute);
  return fabric;
}

async function paid(): Promise<FakeFabric> {
  const fabric = await seeded();
  await fabric.invoke(H1, Tx.submitSettlement, settlement());
  await fabric.invoke(I1, Tx.payoutSettlement, payout);
  return fabric;
}

const get = async (fabric: FakeFabric): Promise<Settlement> => fabric.query(REG, Tx.getSettlement, key);

describe('Disputes that resolve', () => {
  it('dispute → answer → withdraw → payout: each step a version with its actor', async () => {
    const fabric = await disputed();
    const answered = await fabric.invoke(H1, Tx.answerDispute, answer);
    expect(answered.record.status).to.equal('DISPUTED');
    expect(answered.record.dispute?.answer).to.deep.include({ reason: answer.reason });
    expect(fabric.events.at(-1)?.payload).to.deep.include({ type: 'DisputeAnswered', parties: [H1, I1] });
    const withdrawn = await fabric.invoke(I1, Tx.withdrawDispute, withdrawal);
    expect(withdrawn.record.status).to.equal('AWAITING_PAYOUT');
    expect(withdrawn.record.dispute?.decision).to.deep.include({
      outcome: 'WITHDRAWN',
      reason: withdrawal.reason,
    });
    expect((await fabric.invoke(I1, Tx.payoutSettlement, payout)).record.status).to.equal('PAID');
    const history = await fabric.query(REG, Tx.settlementHistory, key);
    expect(history.map((entry) => [entry.mspId, entry.value?.status])).to.deep.equal([
      [H1, 'AWAITING_PAYOUT'],
      [I1, 'DISPUTED'],
      [H1, 'DISPUTED'],
      [I1, 'AWAITING_PAYOUT'],
      [I1, 'PAID'],
    ]);
    expect(history[3].value?.dispute?.decision?.by.user).to.equal('adjuster-2');
  });

  it('a withdrawal needs no answer, and the settlement may then be disputed no more', async () => {
    const fabric = await disputed();
    await fabric.invoke(I1, Tx.withdrawDispute, { actor: 'adjuster-2', ...key });
    expect((await get(fabric)).status).to.equal('AWAITING_PAYOUT');
    // The one dispute it had is answered from the record: the same is a replay, another a conflict.
    expect((await fabric.invoke(I1, Tx.disputeSettlement, dispute)).created).to.equal(false);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.disputeSettlement, { ...dispute, reason: 'again' }),
      'ID_CONFLICT',
    );
  });

  it('dispute → uphold: REJECTED for good, and the accumulators get back what it took', async () => {
    const fabric = await disputed();
    expect(accumulators(fabric).paidTotal).to.equal(EXPECTED_COMMERCIAL_SHARE);
    const { record } = await fabric.invoke(I1, Tx.upholdDispute, upholding);
    expect(record.status).to.equal('REJECTED');
    expect(accumulators(fabric)).to.deep.include({ paidTotal: 0 });
    expect(accumulators(fabric).deductibleUsed).to.deep.equal({
      IN_CATALOGUE_SELF_PAY: 0,
      OUT_OF_CATALOGUE: 0,
      INNOVATIVE_DRUG: 0,
    });
    expect(fabric.events.at(-1)?.payload).to.deep.include({ type: 'SettlementRejected', status: 'REJECTED' });
    for (const [caller, tx, request] of [
      [I1, Tx.payoutSettlement, payout],
      [I1, Tx.withdrawDispute, withdrawal],
      [H1, Tx.answerDispute, answer],
      [H1, Tx.reverseSettlement, { actor: 'clerk-1', ...key, reason: 'too late' }],
    ] as const) {
      await refusedUnchanged(fabric, () => fabric.invoke(caller, tx, request), 'INVALID_STATE');
    }
    // Upheld again: a replay, not a second rejection.
    expect((await fabric.invoke(I1, Tx.upholdDispute, upholding)).created).to.equal(false);
  });

  it('steps are replays when repeated alike and conflicts when not', async () => {
    const fabric = await disputed();
    await fabric.invoke(H1, Tx.answerDispute, answer);
    await replayedUnchanged(fabric, () =>
      fabric.invoke(H1, Tx.answerDispute, { ...answer, actor: 'clerk-9' }),
    );
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.answerDispute, { ...answer, evidenceHash: sha256('other') }),
      'ID_CONFLICT',
    );
  });

  it('answers and decisions need a dispute', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await refusedUnchanged(fabric, () => fabric.invoke(H1, Tx.answerDispute, answer), 'INVALID_STATE');
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.withdrawDispute, withdrawal), 'INVALID_STATE');
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.upholdDispute, upholding), 'INVALID_STATE');
  });

  it('each step is refused to the wrong kind of organisation and to the other party of the same kind', async () => {
    const fabric = await disputed();
    for (const caller of [I1, I2, REG]) {
      await refusedUnchanged(fabric, () => fabric.invoke(caller, Tx.answerDispute, answer), 'FORBIDDEN');
    }
    await refusedUnchanged(fabric, () => fabric.invoke(H2, Tx.answerDispute, answer), 'NOT_FOUND');
    for (const tx of [Tx.withdrawDispute, Tx.upholdDispute]) {
      for (const caller of [H1, H2, REG]) {
        await refusedUnchanged(fabric, () => fabric.invoke(caller, tx, withdrawal), 'FORBIDDEN');
      }
      await refusedUnchanged(fabric, () => fabric.invoke(I2, tx, withdrawal), 'NOT_FOUND');
    }
  });
});

describe('Recovery after payment', () => {
  it('a partial recovery stays PAID, lowers the paid accumulators only, and reconciliation nets it', async () => {
    const fabric = await paid();
    const { record } = await fabric.invoke(I1, Tx.recoverSettlement, recovery(200000));
    expect(record.status).to.equal('PAID');
    expect(record.recoveries).to.have.length(1);
    expect(record.recoveries?.[0]).to.deep.include({ amount: 200000, reference: 'REC-1' });
    expect(accumulators(fabric)).to.deep.include({ paidTotal: EXPECTED_COMMERCIAL_SHARE - 200000 });
    expect(accumulators(fabric).deductibleUsed).to.deep.include({ IN_CATALOGUE_SELF_PAY: 2000000 });
    expect(fabric.events.at(-1)?.payload).to.deep.include({ type: 'SettlementRecovered', status: 'PAID' });
    const totals = await fabric.query(I1, Tx.reconciliation, {});
    expect(totals).to.deep.include({
      paid: EXPECTED_COMMERCIAL_SHARE,
      recovered: 200000,
      net: EXPECTED_COMMERCIAL_SHARE - 200000,
    });
    expect(totals.byPayee.HOSPITAL).to.deep.include({ recovered: 200000 });
  });

  it('recovering the rest makes it RECOVERED and gives the accumulators everything back', async () => {
    const fabric = await paid();
    await fabric.invoke(I1, Tx.recoverSettlement, recovery(200000));
    const { record } = await fabric.invoke(I1, Tx.recoverSettlement, recovery(1000000, 'REC-2'));
    expect(record.status).to.equal('RECOVERED');
    expect(accumulators(fabric)).to.deep.include({ paidTotal: 0 });
    expect(accumulators(fabric).deductibleUsed).to.deep.include({ IN_CATALOGUE_SELF_PAY: 0 });
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.recoverSettlement, recovery(1, 'REC-3')),
      'INVALID_STATE',
    );
    // Each reference is one recovery: sent again, it is answered from the record.
    expect((await fabric.invoke(I1, Tx.recoverSettlement, recovery(200000))).created).to.equal(false);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.recoverSettlement, recovery(300000)),
      'ID_CONFLICT',
    );
  });

  it('never recovers more than is left of the payout, nor before it was paid', async () => {
    const fabric = await paid();
    await fabric.invoke(I1, Tx.recoverSettlement, recovery(1000000));
    const failure = await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.recoverSettlement, recovery(200001, 'REC-2')),
      'AMOUNT_MISMATCH',
    );
    expect(failure.body.message).to.include('200000');
    const early = { ...recovery(1, 'REC-2'), recoveredAt: '2026-02-28' };
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.recoverSettlement, early), 'VALIDATION_FAILED');
    const future = { ...recovery(1, 'REC-2'), recoveredAt: '2026-03-02' };
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.recoverSettlement, future),
      'VALIDATION_FAILED',
    );
    await refused(fabric.invoke(I1, Tx.recoverSettlement, recovery(0, 'REC-2')), 'VALIDATION_FAILED');
  });

  it('is refused before payment, to hospitals and regulators, and to another insurer', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.recoverSettlement, recovery(1)),
      'INVALID_STATE',
    );
    await fabric.invoke(I1, Tx.payoutSettlement, payout);
    for (const caller of [H1, H2, REG]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.recoverSettlement, recovery(1)),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(fabric, () => fabric.invoke(I2, Tx.recoverSettlement, recovery(1)), 'NOT_FOUND');
  });
});
