import { expect } from 'chai';
import { Tx, type Settlement } from '../../../chaincode/src/api';
import type { FakeFabric } from './support/fake-fabric';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  I2,
  OTHER_PATIENT,
  PATIENT,
  REG,
  STRANGER,
  authorisation,
  policy,
  refused,
  seeded,
  settlement,
  settlementItem,
  sha256,
} from './support/fixtures';

const key = { hospital: H1, settlementId: 'S-1' };

/**
 * Settlements of both hospitals with both insurers: H1 S-1..S-3 (I1), H2 T-1 (I1), H1 U-1 (I2); discharges
 * on 2026-02-27 except S-3 (2026-03-01).
 */
async function populated(): Promise<FakeFabric> {
  const fabric = await seeded();
  await fabric.invoke(I2, Tx.registerPolicy, policy({ policyRef: 'POL-I2', productId: 'ZHONGAN-2026' }));
  await fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-I2', insurer: I2 }));
  const submit = (caller: string, id: string, extra: Partial<Parameters<typeof settlement>[0]> = {}) =>
    fabric.invoke(
      caller,
      Tx.submitSettlement,
      settlement({ settlementId: id, invoiceHash: sha256(id), ...extra }),
    );
  await submit(H1, 'S-1');
  await submit(H1, 'S-2');
  await submit(H1, 'S-3', { dischargeDate: '2026-03-01' });
  await submit(H2, 'T-1');
  await submit(H1, 'U-1', { policyRef: 'POL-I2', insurer: I2 });
  return fabric;
}

const ids = (items: Settlement[]) => items.map((s) => `${s.hospital}/${s.settlementId}`);

describe('Settlement reads', () => {
  it('its hospital, its insurer and regulators read it; others get NOT_FOUND', async () => {
    const fabric = await populated();
    for (const caller of [H1, I1, REG]) {
      expect((await fabric.query(caller, Tx.getSettlement, key)).patientRef).to.equal(PATIENT);
    }
    for (const caller of [H2, I2]) await refused(fabric.query(caller, Tx.getSettlement, key), 'NOT_FOUND');
    await refused(fabric.query(STRANGER, Tx.getSettlement, key), 'FORBIDDEN');
    await refused(fabric.query(REG, Tx.getSettlement, { ...key, settlementId: 'NONE' }), 'NOT_FOUND');
    await refused(fabric.query(REG, Tx.getSettlement, { ...key, extra: 1 }), 'VALIDATION_FAILED');
  });

  it('history lists every version oldest first with the organisation that wrote it', async () => {
    const fabric = await populated();
    await fabric.invoke(I1, Tx.disputeSettlement, { actor: 'a', ...key, reason: 'why' });
    await fabric.invoke(H1, Tx.reverseSettlement, { actor: 'c', ...key, reason: 'refund' });
    const history = await fabric.query(REG, Tx.settlementHistory, key);
    expect(history.map((h) => [h.mspId, h.value?.status])).to.deep.equal([
      [H1, 'AWAITING_PAYOUT'],
      [I1, 'DISPUTED'],
      [H1, 'REVERSED'],
    ]);
    expect(history.map((h) => h.txId)).to.deep.equal(history.map((h) => h.value?.txId));
    expect(history[0].timestamp < history[1].timestamp).to.equal(true);
    expect(history.every((h) => !h.isDelete)).to.equal(true);
    await refused(fabric.query(I2, Tx.settlementHistory, key), 'NOT_FOUND');
  });

  it('lists what each caller may see, with filters', async () => {
    const fabric = await populated();
    const list = (caller: string, filter: object = {}) => fabric.query(caller, Tx.listSettlements, filter);
    expect(ids((await list(H1)).items)).to.deep.equal([`${H1}/S-1`, `${H1}/S-2`, `${H1}/S-3`, `${H1}/U-1`]);
    expect(ids((await list(H2)).items)).to.deep.equal([`${H2}/T-1`]);
    expect(ids((await list(I1)).items)).to.deep.equal([`${H1}/S-1`, `${H1}/S-2`, `${H1}/S-3`, `${H2}/T-1`]);
    expect(ids((await list(I2)).items)).to.deep.equal([`${H1}/U-1`]);
    expect((await list(REG)).items).to.have.length(5);
    expect(ids((await list(REG, { insurer: I2 })).items)).to.deep.equal([`${H1}/U-1`]);
    expect(ids((await list(REG, { hospital: H2 })).items)).to.deep.equal([`${H2}/T-1`]);
    expect(ids((await list(I1, { hospital: H2 })).items)).to.deep.equal([`${H2}/T-1`]);
    expect(ids((await list(H1, { insurer: I2 })).items)).to.deep.equal([`${H1}/U-1`]);
    expect(ids((await list(H1, { from: '2026-03-01' })).items)).to.deep.equal([`${H1}/S-3`]);
    expect(ids((await list(H1, { to: '2026-02-28', insurer: I1 })).items)).to.deep.equal([
      `${H1}/S-1`,
      `${H1}/S-2`,
    ]);
    expect((await list(H1, { status: 'PAID' })).items).to.deep.equal([]);
    // Asking for another organisation's own view yields nothing rather than an error.
    expect(await list(H1, { hospital: H2 })).to.deep.equal({ items: [], bookmark: '' });
    expect(await list(I2, { insurer: I1 })).to.deep.equal({ items: [], bookmark: '' });
    await refused(list(STRANGER), 'FORBIDDEN');
    await refused(list(REG, { from: '2026-03-02', to: '2026-03-01' }), 'VALIDATION_FAILED');
    await refused(list(REG, { limit: 0 }), 'VALIDATION_FAILED');
    await refused(list(REG, { bookmark: 5 }), 'VALIDATION_FAILED');
  });

  it('lists nothing, with an empty bookmark, where the ledger holds nothing for the caller', async () => {
    // The real peer sends an empty page without any pagination metadata.
    const fabric = await seeded();
    expect(await fabric.query(H2, Tx.listSettlements, {})).to.deep.equal({ items: [], bookmark: '' });
  });

  it('pages through with bookmarks until the bookmark is empty', async () => {
    const fabric = await populated();
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await fabric.query(REG, Tx.listSettlements, { limit: 2, bookmark });
      seen.push(...ids(page.items));
      bookmark = page.bookmark;
      pages += 1;
    } while (bookmark !== '');
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal([`${H1}/S-1`, `${H1}/S-2`, `${H1}/S-3`, `${H1}/U-1`, `${H2}/T-1`]);
  });

  it('fills a filtered page by reading on, and resumes right after its last item', async () => {
    const fabric = await populated();
    // Key order: H1/S-1, S-2, S-3 (discharged 2026-03-01, filtered out), U-1, then H2/T-1.
    const first = await fabric.query(REG, Tx.listSettlements, { to: '2026-02-28', limit: 3 });
    expect(ids(first.items)).to.deep.equal([`${H1}/S-1`, `${H1}/S-2`, `${H1}/U-1`]);
    expect(first.bookmark).to.contain(H2);
    const second = await fabric.query(REG, Tx.listSettlements, {
      to: '2026-02-28',
      limit: 3,
      bookmark: first.bookmark,
    });
    expect(second).to.deep.equal({
      items: [await fabric.query(REG, Tx.getSettlement, { hospital: H2, settlementId: 'T-1' })],
      bookmark: '',
    });
  });

  it('stops reading after 10 keys per item asked for, with a bookmark to go on', async () => {
    const fabric = await populated();
    const items = Array.from({ length: 8 }, (_, i) =>
      settlementItem({ settlementId: `V-${i}`, invoiceHash: sha256(`V-${i}`) }),
    );
    await fabric.invoke(H1, Tx.submitSettlementBatch, { actor: 'clerk-1', insurer: I1, items });
    // 13 settlements, none PAID: the first call reads 10 keys and stops there.
    const first = await fabric.query(REG, Tx.listSettlements, { status: 'PAID', limit: 1 });
    expect(first.items).to.deep.equal([]);
    expect(first.bookmark).to.not.equal('');
    const rest = await fabric.query(REG, Tx.listSettlements, {
      status: 'PAID',
      limit: 1,
      bookmark: first.bookmark,
    });
    expect(rest).to.deep.equal({ items: [], bookmark: '' });
  });

  it("refuses a bookmark outside the caller's range", async () => {
    const fabric = await populated();
    const regulatorPage = await fabric.query(REG, Tx.listSettlements, { limit: 4 });
    expect(regulatorPage.bookmark).to.contain(H2);
    await refused(
      fabric.query(H1, Tx.listSettlements, { limit: 2, bookmark: regulatorPage.bookmark }),
      'VALIDATION_FAILED',
    );
  });

  it('names the endorsing organisations of a new or existing settlement', async () => {
    const fabric = await populated();
    expect(
      await fabric.query(H2, Tx.settlementEndorsers, { patientRef: PATIENT, policyRef: 'POL-1' }),
    ).to.deep.equal({
      organisations: [H2, I1],
      insurer: I1,
    });
    for (const caller of [H1, I1, REG]) {
      expect(await fabric.query(caller, Tx.settlementEndorsers, key)).to.deep.equal({
        organisations: [H1, I1],
      });
    }
    await refused(
      fabric.query(I1, Tx.settlementEndorsers, { patientRef: PATIENT, policyRef: 'POL-1' }),
      'FORBIDDEN',
    );
    await refused(
      fabric.query(H1, Tx.settlementEndorsers, { patientRef: PATIENT, policyRef: 'NONE' }),
      'VALIDATION_FAILED',
    );
    const ofAnother = { patientRef: OTHER_PATIENT, policyRef: 'POL-1' };
    await refused(fabric.query(H1, Tx.settlementEndorsers, ofAnother), 'VALIDATION_FAILED');
    for (const caller of [I2, REG]) {
      await refused(
        fabric.query(caller, Tx.settlementEndorsers, { patientRef: PATIENT, policyRef: 'NONE' }),
        'FORBIDDEN',
      );
    }
    await refused(fabric.query(H2, Tx.settlementEndorsers, key), 'NOT_FOUND');
    await refused(fabric.query(STRANGER, Tx.settlementEndorsers, key), 'FORBIDDEN');
    await refused(
      fabric.query(H1, Tx.settlementEndorsers, { patientRef: PATIENT, policyRef: 'POL-1', extra: 1 }),
      'VALIDATION_FAILED',
    );
  });
});

describe('Audit', () => {
  it('reconciles totals, paid and outstanding by status; reversals only in byStatus', async () => {
    const fabric = await populated();
    const pay = (id: string) => ({
      actor: 'a',
      hospital: H1,
      settlementId: id,
      amount: EXPECTED_COMMERCIAL_SHARE,
      paidAt: '2026-03-01',
      paymentReference: id,
    });
    await fabric.invoke(I1, Tx.payoutSettlement, pay('S-1'));
    const s2 = await fabric.query(H1, Tx.getSettlement, { hospital: H1, settlementId: 'S-2' });
    await fabric.invoke(I1, Tx.disputeSettlement, {
      actor: 'a',
      hospital: H1,
      settlementId: 'S-2',
      reason: 'r',
    });
    await fabric.invoke(H1, Tx.reverseSettlement, {
      actor: 'c',
      hospital: H1,
      settlementId: 'S-3',
      reason: 'r',
    });

    const all = await fabric.query(REG, Tx.reconciliation, {});
    expect(all.count).to.equal(4);
    expect(all.total).to.equal(4 * 10500000);
    expect(all.fundShare).to.equal(4 * 7000000);
    expect(all.fundShare + all.commercialShare + all.patientShare).to.equal(all.total);
    expect(all.paid).to.equal(EXPECTED_COMMERCIAL_SHARE);
    expect(all.byStatus.PAID).to.deep.equal({ count: 1, commercialShare: EXPECTED_COMMERCIAL_SHARE });
    expect(all.byStatus.DISPUTED).to.deep.equal({ count: 1, commercialShare: s2.split.commercialShare });
    expect(all.byStatus.REVERSED.count).to.equal(1);
    expect(all.byStatus.AWAITING_PAYOUT.count).to.equal(2);
    expect(all.byStatus.NOTHING_DUE.count).to.equal(0);
    expect(all.outstanding).to.equal(all.byStatus.AWAITING_PAYOUT.commercialShare + s2.split.commercialShare);

    expect((await fabric.query(H2, Tx.reconciliation, {})).count).to.equal(1);
    expect((await fabric.query(I2, Tx.reconciliation, {})).count).to.equal(1);
    expect((await fabric.query(H2, Tx.reconciliation, { hospital: H1 })).count).to.equal(0);
    expect((await fabric.query(REG, Tx.reconciliation, { insurer: I1, to: '2026-02-28' })).count).to.equal(3);
    await refused(fabric.query(STRANGER, Tx.reconciliation, {}), 'FORBIDDEN');
    await refused(fabric.query(REG, Tx.reconciliation, { from: 'yesterday' }), 'VALIDATION_FAILED');
  });

  it('lists every alert to regulators, filtered by date, and to others those that concern them', async () => {
    const fabric = await populated();
    // The earlier alert reuses the invoice whose hash sorts last, so key order is not time order.
    expect(sha256('T-1') > sha256('S-1')).to.equal(true);
    fabric.setTime('2026-03-10T09:00:00Z');
    await fabric.invoke(
      H2,
      Tx.submitSettlement,
      settlement({ settlementId: 'DUP-1', invoiceHash: sha256('T-1') }),
    );
    fabric.setTime('2026-03-12T09:00:00Z');
    await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'DUP-2', invoiceHash: sha256('S-1') }),
    );
    const duplicates = { type: 'DUPLICATE_INVOICE' } as const;
    const alerts = (await fabric.query(REG, Tx.listAlerts, duplicates)).items;
    expect(alerts.map((a) => a.attempted.settlementId)).to.deep.equal(['DUP-1', 'DUP-2']);
    expect(
      (await fabric.query(REG, Tx.listAlerts, { ...duplicates, from: '2026-03-11' })).items.map(
        (a) => a.attempted.settlementId,
      ),
    ).to.deep.equal(['DUP-2']);
    expect(
      (await fabric.query(REG, Tx.listAlerts, { ...duplicates, to: '2026-03-10' })).items.map(
        (a) => a.attempted.settlementId,
      ),
    ).to.deep.equal(['DUP-1']);
    for (const caller of [H1, H2, I1])
      expect((await fabric.query(caller, Tx.listAlerts, {})).items, caller).to.have.length.above(0);
    expect((await fabric.query(I2, Tx.listAlerts, {})).items).to.deep.equal([]);
    await refused(fabric.query(STRANGER, Tx.listAlerts, {}), 'FORBIDDEN');
  });

  it("dates alerts by the ledger's calendar day (UTC+8)", async () => {
    const fabric = await populated();
    // 17:30 UTC on 10 March is 01:30 on 11 March in Beijing.
    fabric.setTime('2026-03-10T17:30:00Z');
    await fabric.invoke(
      H2,
      Tx.submitSettlement,
      settlement({ settlementId: 'DUP-1', invoiceHash: sha256('S-1') }),
    );
    const on = async (day: string) =>
      (await fabric.query(REG, Tx.listAlerts, { from: day, to: day })).items.length;
    expect([await on('2026-03-10'), await on('2026-03-11')]).to.deep.equal([0, 1]);
  });

  it("totals and lists every record past the peer's query limit, which ends a plain scan silently", async () => {
    const fabric = await seeded();
    const items = (batch: number) =>
      Array.from({ length: 100 }, (_, i) => {
        const id = `B${batch}-${i}`;
        return settlementItem({ settlementId: id, invoiceHash: sha256(id) });
      });
    // Past one page of scanAll (1000 entries) too.
    for (let batch = 0; batch < 11; batch++)
      await fabric.invoke(H1, Tx.submitSettlementBatch, { actor: 'c', insurer: I1, items: items(batch) });
    for (let i = 0; i < 3; i++)
      await fabric.invoke(
        H2,
        Tx.submitSettlement,
        settlement({ settlementId: `D-${i}`, invoiceHash: sha256('B0-0') }),
      );
    fabric.totalQueryLimit = 500;
    expect((await fabric.query(REG, Tx.reconciliation, {})).count).to.equal(1100);
    expect((await fabric.query(I1, Tx.reconciliation, {})).count).to.equal(1100);
    fabric.totalQueryLimit = 2;
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(3);
  });
});

describe('Perf:ping', () => {
  it('any registered participant writes one small key; strangers are refused', async () => {
    const fabric = await seeded();
    for (const caller of [H1, I1, REG]) {
      const before = fabric.state.size;
      const { txId } = await fabric.invoke(caller, Tx.ping, {});
      expect(txId).to.match(/^tx\d+$/);
      expect(fabric.state.size).to.be.at.most(before + 1);
    }
    await fabric.invoke(H1, Tx.ping, { actor: 'bench' });
    await refused(fabric.invoke(STRANGER, Tx.ping, {}), 'FORBIDDEN');
    await refused(fabric.invoke(H1, Tx.ping, { payload: 'x' }), 'VALIDATION_FAILED');
  });
});
