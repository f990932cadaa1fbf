import { expect } from 'chai';
import {
  EventName,
  eventSeenBy,
  SETTLEMENT_ITEM_FIELDS,
  settlementOfBatchItem,
  Tx,
  type LedgerEvent,
} from '../../../chaincode/src/api';
import * as requests from '../../../chaincode/src/schemas';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  I2,
  REG,
  keyEndorsers,
  policy,
  refusedUnchanged,
  seeded,
  settlementItem,
  sha256,
} from './support/fixtures';

const item = (id: string, invoice = id) => settlementItem({ settlementId: id, invoiceHash: sha256(invoice) });

describe('Settlements:submitBatch', () => {
  it("records each item; items on the same policy see each other's accumulator changes", async () => {
    const fabric = await seeded();
    const { results } = await fabric.invoke(H1, Tx.submitSettlementBatch, {
      actor: 'clerk-1',
      insurer: I1,
      items: [item('A'), item('B')],
    });
    expect(results.map((r) => r.outcome)).to.deep.equal(['RECORDED', 'RECORDED']);
    const [a, b] = results.map((r) => (r.outcome === 'RECORDED' ? r.added : expect.fail()));
    expect(a.split.lines[0]).to.include({ deductibleApplied: 2000000, paid: 1200000 });
    expect(b.split.lines[0]).to.include({ deductibleApplied: 0, paid: 2800000 });
    // Same as submitting them one after another.
    const sequential = await seeded();
    await sequential.invoke(H1, Tx.submitSettlement, { actor: 'x', insurer: I1, ...item('A') });
    const second = await sequential.invoke(H1, Tx.submitSettlement, {
      actor: 'x',
      insurer: I1,
      ...item('B'),
    });
    expect(second.outcome === 'RECORDED' && second.settlement.split).to.deep.equal(b.split);
  });

  it("leaves out what each item sent; with its item, a result is the ledger's record as it stands", async () => {
    const fabric = await seeded();
    const items = [item('A'), item('B')];
    const request = { actor: 'clerk-1', insurer: I1, items };
    const records = async () =>
      Promise.all(
        items.map((i) => fabric.query(H1, Tx.getSettlement, { hospital: H1, settlementId: i.settlementId })),
      );
    const first = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    for (const r of first.results) {
      expect(r).to.have.all.keys('outcome', 'added');
      expect(r)
        .to.have.property('added')
        .that.not.has.any.keys(...SETTLEMENT_ITEM_FIELDS);
    }
    expect(
      first.results.map((r, i) => settlementOfBatchItem(requests.settlementItem.parse(items[i]), r)),
    ).to.deep.equal((await records()).map((settlement) => ({ outcome: 'RECORDED', settlement })));
    // A replay after the payout answers with the record paid.
    await fabric.invoke(I1, Tx.payoutSettlement, {
      actor: 'adjuster-1',
      hospital: H1,
      settlementId: 'A',
      amount: EXPECTED_COMMERCIAL_SHARE,
      paidAt: '2026-03-01',
      paymentReference: 'PAY-1',
    });
    const replay = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    const now = await records();
    expect(now[0].status).to.equal('PAID');
    expect(
      replay.results.map((r, i) => settlementOfBatchItem(requests.settlementItem.parse(items[i]), r)),
    ).to.deep.equal(now.map((settlement) => ({ outcome: 'EXISTING', settlement })));
  });

  it("asks the peer once per transaction for the items' shared reads, and writes each key once", async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlementBatch, {
      actor: 'clerk-1',
      insurer: I1,
      items: [item('A'), item('B'), item('C')],
    });
    expect(Math.max(...fabric.lastReads.values())).to.equal(1);
    // Per item: its settlement's stub and its invoice key; once for all: caller, the insurer's serving mark,
    // policy, product, accumulators, the patient's consents and stays, the month's statement confirmations.
    expect(fabric.lastReads.size).to.equal(3 * 2 + 8);
    // Writes go once per key: the shared accumulators, seal and stays too. Per item: the settlement's details
    // and stub, invoice, index, statement line.
    expect(Math.max(...fabric.lastWrites.values())).to.equal(1);
    expect(fabric.lastWrites.size).to.equal(3 * 5 + 3);
  });

  it('sends the peer 19 messages for a lone inpatient settlement and 8 for each further item of a batch', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, { actor: 'clerk-1', insurer: I1, ...item('A') });
    // Reads: caller, stub, the insurer's serving mark, policy, invoice, product, accumulators, consents, stays,
    // statement confirmations; writes: details, stub and its key-level policy, invoice, index, accumulators, seal,
    // stays, statement line.
    expect(fabric.lastMessages).to.equal(19);
    await fabric.invoke(H1, Tx.submitSettlementBatch, {
      actor: 'clerk-1',
      insurer: I1,
      items: [item('B'), item('C')],
    });
    expect(fabric.lastMessages).to.equal(19 + 8);
  });

  it("settles every item with the batch's insurer, whose peer and the hospital's alone endorse it", async () => {
    const fabric = await seeded();
    await fabric.invoke(I2, Tx.registerPolicy, policy({ policyRef: 'POL-2', productId: 'ZHONGAN-2026' }));
    const request = {
      actor: 'clerk-1',
      insurer: I1,
      items: [item('A'), { ...item('B'), policyRef: 'POL-2', insurer: I2 }, item('C')],
    };
    const { results } = await fabric.invokeEndorsedBy([H1, I1], H1, Tx.submitSettlementBatch, request);
    expect(results.map((r) => r.outcome)).to.deep.equal(['RECORDED', 'REJECTED', 'RECORDED']);
    const rejected = results[1];
    expect(rejected.outcome === 'REJECTED' && rejected.error.message).to.contain('items[1].insurer');
    expect(['A', 'C'].map((id) => keyEndorsers(fabric, 'settlement', H1, id))).to.deep.equal([
      [H1, I1],
      [H1, I1],
    ]);
    // Insurer2's peer cannot read Insurer1's policies, so it cannot endorse the batch.
    const again = { ...request, items: [item('D')] };
    const error = await fabric
      .invokeEndorsedBy([H1, I1, I2], H1, Tx.submitSettlementBatch, again)
      .catch(String);
    expect(error).to.contain("Insurer2MSP's peer cannot read policies_Insurer1MSP");
  });

  it('rejects a bad item with its error and still records the others, in one event', async () => {
    const fabric = await seeded();
    const bad = { ...item('B'), costs: { ...item('B').costs, total: 1 } };
    const { results } = await fabric.invoke(H1, Tx.submitSettlementBatch, {
      actor: 'clerk-1',
      insurer: I1,
      items: [item('A'), bad, item('C'), item('D', 'A')],
    });
    expect(results.map((r) => r.outcome)).to.deep.equal([
      'RECORDED',
      'REJECTED',
      'RECORDED',
      'DUPLICATE_INVOICE',
    ]);
    const rejected = results[1];
    expect(rejected.outcome === 'REJECTED' && rejected.error.code).to.equal('VALIDATION_FAILED');
    expect(rejected.outcome === 'REJECTED' && rejected.error.message).to.contain('items[1].costs.total');
    const duplicate = results[3];
    const txId = fabric.events.at(-1)?.txId;
    expect(duplicate.outcome === 'DUPLICATE_INVOICE' && duplicate.alert.alertId).to.equal(`${txId}-3`);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'SettlementsRecorded',
      parties: [H1, I1],
      refs: [
        { hospital: H1, settlementId: 'A' },
        { hospital: H1, settlementId: 'C' },
        { alertId: `${txId}-3` },
      ],
      // The alert concerns the same hospital and insurer as the settlements: one scope for all.
    });
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(1);
  });

  it('a duplicate attempt repeated, in the batch or in a replay, keeps its one alert', async () => {
    const fabric = await seeded();
    const request = { actor: 'clerk-1', insurer: I1, items: [item('A'), item('D', 'A'), item('D', 'A')] };
    const first = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    expect(first.results.map((r) => r.outcome)).to.deep.equal([
      'RECORDED',
      'DUPLICATE_INVOICE',
      'DUPLICATE_INVOICE',
    ]);
    expect(first.results[2]).to.deep.equal(first.results[1]);
    const before = fabric.snapshot();
    const replay = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    expect(replay.results.slice(1)).to.deep.equal(first.results.slice(1));
    expect(fabric.snapshot()).to.equal(before);
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(1);
  });

  it('an item repeating an earlier one is EXISTING; a whole replay writes nothing', async () => {
    const fabric = await seeded();
    const request = { actor: 'clerk-1', insurer: I1, items: [item('A'), item('A')] };
    const first = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    expect(first.results.map((r) => r.outcome)).to.deep.equal(['RECORDED', 'EXISTING']);
    const before = fabric.snapshot();
    const replay = await fabric.invoke(H1, Tx.submitSettlementBatch, request);
    expect(replay.results.map((r) => r.outcome)).to.deep.equal(['EXISTING', 'EXISTING']);
    expect(fabric.snapshot()).to.equal(before);
  });

  it('refuses a bad envelope and other callers than hospitals', async () => {
    const fabric = await seeded();
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlementBatch, { actor: 'c', insurer: I1, items: [] }),
      'VALIDATION_FAILED',
    );
    await refusedUnchanged(
      fabric,
      () =>
        fabric.invoke(H1, Tx.submitSettlementBatch, {
          actor: 'c',
          insurer: I1,
          items: Array(101).fill(item('A')),
        }),
      'VALIDATION_FAILED',
    );
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.submitSettlementBatch, { actor: 'c', insurer: I1, items: [item('A')] }),
      'FORBIDDEN',
    );
  });
});

describe('eventSeenBy', () => {
  const mixed: LedgerEvent = {
    type: EventName.SettlementsRecorded,
    parties: [H1, I1, I2],
    refs: [{ hospital: H1, settlementId: 'A' }, { hospital: H1, settlementId: 'B' }, { alertId: 'tx-2' }],
    scopes: [
      { parties: [H1, I1], refs: [0] },
      { parties: [H1, I2], refs: [1] },
      { parties: [H1], refs: [2] },
    ],
  };

  it("shows each insurer of a batch across two insurers its own refs only, and none of the other's", () => {
    expect(eventSeenBy(mixed, I2, false)).to.deep.equal({
      type: EventName.SettlementsRecorded,
      parties: [H1, I2],
      refs: [{ hospital: H1, settlementId: 'B' }],
    });
    expect(eventSeenBy(mixed, I1, false)?.refs).to.deep.equal([{ hospital: H1, settlementId: 'A' }]);
    expect(eventSeenBy(mixed, H1, false)?.refs).to.deep.equal(mixed.refs);
    expect(eventSeenBy(mixed, H2, false)).to.equal(undefined);
    expect(eventSeenBy(mixed, REG, true)).to.equal(mixed);
  });

  it('shows an event without scopes whole to its parties and nothing to others', () => {
    const single: LedgerEvent = {
      type: EventName.SettlementRecorded,
      parties: [H1, I1],
      refs: [{ hospital: H1 }],
    };
    expect(eventSeenBy(single, I1, false)).to.equal(single);
    expect(eventSeenBy(single, I2, false)).to.equal(undefined);
  });
});
