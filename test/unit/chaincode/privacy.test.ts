import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Tx } from '../../../chaincode/src/api';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  I2,
  PATIENT,
  REG,
  compositeKey,
  refused,
  refusedUnchanged,
  seeded,
  settlement,
} from './support/fixtures';
import { privateSlot, type FakeFabric } from './support/fake-fabric';

const key = { hospital: H1, settlementId: 'S-1' };
const PAYMENT_REFERENCE = 'PAY-7f3a9c-unique';
const DISPUTE_REASON = 'dispute-reason-0b1e4d-unique';

/** A settlement of Hospital1 with Insurer1, paid; another disputed. */
async function paidAndDisputed(): Promise<FakeFabric> {
  const fabric = await seeded();
  await fabric.invoke(H1, Tx.submitSettlement, settlement());
  await fabric.invoke(I1, Tx.payoutSettlement, {
    actor: 'adjuster-1',
    ...key,
    amount: EXPECTED_COMMERCIAL_SHARE,
    paidAt: '2026-03-01',
    paymentReference: PAYMENT_REFERENCE,
  });
  const other = { settlementId: 'S-2', invoiceHash: createHash('sha256').update('i2').digest('hex') };
  await fabric.invoke(H1, Tx.submitSettlement, settlement(other));
  await fabric.invoke(I1, Tx.disputeSettlement, {
    actor: 'adjuster-1',
    hospital: H1,
    settlementId: 'S-2',
    reason: DISPUTE_REASON,
  });
  return fabric;
}

const publicText = (fabric: FakeFabric): string =>
  JSON.stringify({
    state: [...fabric.state.entries()].map(([k, v]) => [k, v.toString('utf8')]),
    events: fabric.events,
  });

describe('Confidential records', () => {
  it('keeps patientRef, policyRef, payment reference and dispute reason out of public state and events', async () => {
    const fabric = await paidAndDisputed();
    const shared = publicText(fabric);
    for (const secret of [
      PATIENT,
      'POL-1',
      PAYMENT_REFERENCE,
      DISPUTE_REASON,
      String(EXPECTED_COMMERCIAL_SHARE),
    ])
      expect(shared, secret).to.not.contain(secret);
    // The regulator, a member of every collection, reads it all; the stub carries the hash of each version.
    const record = await fabric.query(REG, Tx.getSettlement, key);
    expect(record.payout?.paymentReference).to.equal(PAYMENT_REFERENCE);
    const stub = JSON.parse(fabric.state.get(compositeKey('settlement', H1, 'S-1'))!.toString('utf8'));
    expect(stub).to.have.all.keys('hospital', 'settlementId', 'insurer', 'status', 'txId', 'detailsHash');
    const version = fabric.privateState.get(
      privateSlot(
        'settlements_Hospital1MSP_Insurer1MSP',
        compositeKey('settlementVersion', H1, 'S-1', stub.txId),
      ),
    )!;
    expect(stub.detailsHash).to.equal(createHash('sha256').update(version).digest('hex'));
    // Salted: the stored value carries the proposal's salt, which the block never shows.
    expect(JSON.parse(version.toString('utf8')))
      .to.have.property('salt')
      .that.is.a('string');
  });

  it("refuses another insurer's and another hospital's identity, calling the chaincode directly", async () => {
    const fabric = await paidAndDisputed();
    for (const caller of [I2, H2]) {
      await refused(fabric.query(caller, Tx.getSettlement, key), 'NOT_FOUND');
      await refused(fabric.query(caller, Tx.settlementHistory, key), 'NOT_FOUND');
      const listed = await fabric.query(caller, Tx.listSettlements, { hospital: H1 });
      expect(listed.items).to.deep.equal([]);
    }
    await refused(fabric.query(I2, Tx.getPolicy, { policyRef: 'POL-1', insurer: I1 }), 'NOT_FOUND');
    await refused(
      fabric.query(I2, Tx.getAuthorisation, { authorisationId: 'AUTH-1', recordedBy: H1 }),
      'NOT_FOUND',
    );
  });

  it('keeps the history of the details, which Fabric does not keep for private data', async () => {
    const fabric = await paidAndDisputed();
    const history = await fabric.query(H1, Tx.settlementHistory, key);
    expect(history.map((v) => v.value?.status)).to.deep.equal(['AWAITING_PAYOUT', 'PAID']);
    expect(history.map((v) => v.mspId)).to.deep.equal([H1, I1]);
    expect(history[1].value?.payout?.paymentReference).to.equal(PAYMENT_REFERENCE);
  });

  it('takes a write request from the transient data only, and a salt of 16 bytes or more', async () => {
    const fabric = await seeded();
    const request = JSON.stringify(settlement());
    const run = (transient: Map<string, Buffer>) =>
      fabric.run(H1, Tx.submitSettlement, request, true, undefined, transient);
    for (const transient of [
      new Map<string, Buffer>(),
      new Map([['salt', Buffer.alloc(16, 1)]]),
      new Map([
        ['request', Buffer.from(request)],
        ['salt', Buffer.alloc(15, 1)],
      ]),
    ]) {
      const refusal = await refusedUnchanged(fabric, () => run(transient), 'VALIDATION_FAILED');
      expect(refusal.message).to.match(/transient|salt/);
    }
  });
});
