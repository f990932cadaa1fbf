import { expect } from 'chai';
import { Tx, type SettlementStatus } from '../../../chaincode/src/api';
import { privateSlot, type FakeFabric } from './support/fake-fabric';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  compositeKey,
  I2,
  REG,
  STRANGER,
  refused,
  refusedUnchanged,
  replayedUnchanged,
  seeded,
  settlement,
} from './support/fixtures';

const key = { hospital: H1, settlementId: 'S-1' };
const payout = {
  actor: 'adjuster-1',
  ...key,
  amount: EXPECTED_COMMERCIAL_SHARE,
  paidAt: '2026-03-01',
  paymentReference: 'PAY-1',
};
const dispute = { actor: 'adjuster-1', ...key, reason: 'invoice unreadable' };
const reversal = { actor: 'clerk-1', ...key, reason: 'refund at the counter' };

async function submitted(options: { consent?: boolean } = {}): Promise<FakeFabric> {
  const fabric = await seeded(options);
  await fabric.invoke(H1, Tx.submitSettlement, settlement());
  return fabric;
}

async function statusOf(fabric: FakeFabric): Promise<SettlementStatus> {
  return (await fabric.query(REG, Tx.getSettlement, key)).status;
}

const ACCUMULATORS = privateSlot('policies_Insurer1MSP', compositeKey('accumulators', I1, 'POL-1'));

async function paidTotal(fabric: FakeFabric): Promise<number> {
  const stored = fabric.privateState.get(ACCUMULATORS)!.toString();
  return (JSON.parse(stored) as { years: Record<string, { paidTotal: number }> }).years['2026'].paidTotal;
}

describe('Settlement lifecycle', () => {
  it('the insurer pays the commercial share: PAID, final', async () => {
    const fabric = await submitted();
    const { created, record } = await fabric.invoke(I1, Tx.payoutSettlement, payout);
    expect(created).to.equal(true);
    expect(record.status).to.equal('PAID');
    expect(record.payout).to.deep.include({ amount: EXPECTED_COMMERCIAL_SHARE, paymentReference: 'PAY-1' });
    expect(record.payout?.by.mspId).to.equal(I1);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'SettlementPaid',
      parties: [H1, I1],
      refs: [key],
      status: 'PAID',
    });
    await refusedUnchanged(fabric, () => fabric.invoke(H1, Tx.reverseSettlement, reversal), 'INVALID_STATE');
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.disputeSettlement, dispute), 'INVALID_STATE');
  });

  it('a payout replayed writes nothing; a different one is ID_CONFLICT', async () => {
    const fabric = await submitted();
    await fabric.invoke(I1, Tx.payoutSettlement, payout);
    await replayedUnchanged(fabric, () =>
      fabric.invoke(I1, Tx.payoutSettlement, { ...payout, actor: 'other' }),
    );
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, paymentReference: 'PAY-2' }),
      'ID_CONFLICT',
    );
  });

  it('a payout must equal the commercial share', async () => {
    const fabric = await submitted();
    for (const amount of [EXPECTED_COMMERCIAL_SHARE - 1, EXPECTED_COMMERCIAL_SHARE + 1, 0]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, amount }),
        'AMOUNT_MISMATCH',
      );
    }
  });

  it('accepts a UTC instant as paidAt, refuses other forms', async () => {
    const fabric = await submitted();
    for (const paidAt of ['2026-03-05 10:00', '2026-02-30', '2026-03-05T10:00:00+08:00']) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, paidAt }),
        'VALIDATION_FAILED',
      );
    }
    const { record } = await fabric.invoke(I1, Tx.payoutSettlement, {
      ...payout,
      paidAt: '2026-03-01T07:30:00.250Z',
    });
    expect(record.payout?.paidAt).to.equal('2026-03-01T07:30:00.250Z');
  });

  it('refuses a paidAt later than the transaction time plus five minutes', async () => {
    const fabric = await submitted();
    for (const paidAt of ['2026-03-11', '2026-03-10T10:05:00.000000001Z', '2026-03-10T10:05:01Z']) {
      fabric.setTime('2026-03-10T10:00:00Z');
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, paidAt }),
        'VALIDATION_FAILED',
      );
    }
    fabric.setTime('2026-03-10T10:00:00Z');
    const { record } = await fabric.invoke(I1, Tx.payoutSettlement, {
      ...payout,
      paidAt: '2026-03-10T10:05:00.000000000Z',
    });
    expect(record.status).to.equal('PAID');
  });

  it('refuses a paidAt before the discharge day in China Standard Time', async () => {
    const fabric = await submitted();
    // The discharge is dated 27 February; 15:59 UTC on the 26th is still the 26th in Beijing.
    for (const paidAt of ['2026-02-26', '2026-02-26T15:59:59Z', '2026-02-26T15:59:59.999999999Z']) {
      const failure = await refusedUnchanged(
        fabric,
        () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, paidAt }),
        'VALIDATION_FAILED',
      );
      expect(failure.body.message).to.contain('discharge date');
    }
    const { record } = await fabric.invoke(I1, Tx.payoutSettlement, {
      ...payout,
      paidAt: '2026-02-26T16:00:00Z',
    });
    expect(record.status).to.equal('PAID');
  });

  it('accepts a paidAt of the transaction day', async () => {
    const fabric = await submitted();
    fabric.setTime('2026-03-10T23:59:59Z');
    expect(
      (await fabric.invoke(I1, Tx.payoutSettlement, { ...payout, paidAt: '2026-03-10' })).created,
    ).to.equal(true);
  });

  it('NOTHING_DUE cannot be paid or disputed, only reversed', async () => {
    const fabric = await submitted({ consent: false });
    expect(await statusOf(fabric)).to.equal('NOTHING_DUE');
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, amount: 0 }),
      'INVALID_STATE',
    );
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.disputeSettlement, dispute), 'INVALID_STATE');
    expect((await fabric.invoke(H1, Tx.reverseSettlement, reversal)).record.status).to.equal('REVERSED');
  });

  it('DISPUTED can only be reversed; a reversal gives back the accumulators', async () => {
    const fabric = await submitted();
    expect(await paidTotal(fabric)).to.equal(EXPECTED_COMMERCIAL_SHARE);
    expect((await fabric.invoke(I1, Tx.disputeSettlement, dispute)).record.status).to.equal('DISPUTED');
    expect((await fabric.invoke(I1, Tx.disputeSettlement, dispute)).created).to.equal(false);
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.payoutSettlement, payout), 'INVALID_STATE');
    const { record } = await fabric.invoke(H1, Tx.reverseSettlement, reversal);
    expect(record.status).to.equal('REVERSED');
    expect(record.reversal?.by.mspId).to.equal(H1);
    expect(await paidTotal(fabric)).to.equal(0);
    // Replaying the reversal must not give the accumulators back twice.
    expect((await fabric.invoke(H1, Tx.reverseSettlement, reversal)).created).to.equal(false);
    expect(await paidTotal(fabric)).to.equal(0);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.reverseSettlement, { ...reversal, reason: 'other' }),
      'ID_CONFLICT',
    );
    // The dispute, though no longer the current status, is still answered from the record.
    await replayedUnchanged(fabric, () => fabric.invoke(I1, Tx.disputeSettlement, dispute));
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.disputeSettlement, { ...dispute, reason: 'other' }),
      'ID_CONFLICT',
    );
  });

  it('refuses a reversal the accumulators cannot take back (inconsistent state), writing nothing', async () => {
    const fabric = await submitted();
    fabric.privateState.set(ACCUMULATORS, Buffer.from(JSON.stringify({ policyRef: 'POL-1', years: {} })));
    await refusedUnchanged(fabric, () => fabric.invoke(H1, Tx.reverseSettlement, reversal), 'INVALID_STATE');
  });

  it('only its insurer pays or disputes, only its hospital reverses', async () => {
    const fabric = await submitted();
    for (const tx of [Tx.payoutSettlement, Tx.disputeSettlement] as const) {
      const request = tx === Tx.payoutSettlement ? payout : dispute;
      await refusedUnchanged(fabric, () => fabric.invoke(I2, tx, request), 'NOT_FOUND');
      for (const caller of [H1, H2, REG, STRANGER]) {
        await refusedUnchanged(fabric, () => fabric.invoke(caller, tx, request), 'FORBIDDEN');
      }
    }
    await refusedUnchanged(fabric, () => fabric.invoke(H2, Tx.reverseSettlement, reversal), 'NOT_FOUND');
    for (const caller of [I1, I2, REG, STRANGER]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.reverseSettlement, reversal),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.payoutSettlement, { ...payout, settlementId: 'NONE' }),
      'NOT_FOUND',
    );
    await refused(
      fabric.invoke(H1, Tx.reverseSettlement, { ...reversal, reason: 'x'.repeat(501) }),
      'VALIDATION_FAILED',
    );
    await refused(
      fabric.invoke(I1, Tx.payoutSettlement, { ...payout, amount: '1200000' }),
      'VALIDATION_FAILED',
    );
  });
});
