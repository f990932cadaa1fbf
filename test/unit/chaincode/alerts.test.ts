import { expect } from 'chai';
import { Tx, type Alert, type LedgerEvent } from '../../../chaincode/src/api';
import type { FakeFabric } from './support/fake-fabric';
import {
  H1,
  H2,
  I1,
  I2,
  REG,
  STRANGER,
  policy,
  refused,
  refusedUnchanged,
  seeded,
  settlement,
  sha256,
} from './support/fixtures';

const reversal = (settlementId: string) => ({
  actor: 'clerk-1',
  hospital: H1,
  settlementId,
  reason: 'wrong costs',
});

describe('Reversal releases the invoice to a replacement', () => {
  async function reversed(): Promise<FakeFabric> {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await fabric.invoke(H1, Tx.reverseSettlement, reversal('S-1'));
    return fabric;
  }

  it('a replacement naming the reversed settlement is recorded with no alert, and both point at each other', async () => {
    const fabric = await reversed();
    const result = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-2', supersedes: 'S-1' }),
    );
    expect(result.outcome).to.equal('RECORDED');
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.deep.equal([]);
    expect(
      (await fabric.query(H1, Tx.getSettlement, { hospital: H1, settlementId: 'S-2' })).supersedes,
    ).to.equal('S-1');
    const replaced = await fabric.query(I1, Tx.getSettlement, { hospital: H1, settlementId: 'S-1' });
    expect(replaced).to.deep.include({ status: 'REVERSED', supersededBy: 'S-2' });
    const listed = await fabric.query(H1, Tx.listSettlements, { status: 'REVERSED' });
    expect(listed.items.map((s) => s.supersededBy)).to.deep.equal(['S-2']);
  });

  it('keeps the accumulators exact: the replacement takes what the reversal gave back', async () => {
    const fabric = await seeded();
    const first = await fabric.invoke(H1, Tx.submitSettlement, settlement());
    await fabric.invoke(H1, Tx.reverseSettlement, reversal('S-1'));
    const second = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-2', supersedes: 'S-1' }),
    );
    if (first.outcome !== 'RECORDED' || second.outcome !== 'RECORDED') expect.fail('both recorded');
    expect(second.settlement.split).to.deep.equal(first.settlement.split);
  });

  it('without supersedes, twice, or by another hospital the invoice is still a duplicate', async () => {
    const fabric = await reversed();
    const plain = await fabric.invoke(H1, Tx.submitSettlement, settlement({ settlementId: 'S-2' }));
    expect(plain.outcome).to.equal('DUPLICATE_INVOICE');
    const other = await fabric.invoke(
      H2,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-2', supersedes: 'S-1' }),
    );
    expect(other.outcome).to.equal('DUPLICATE_INVOICE');
    await fabric.invoke(H1, Tx.submitSettlement, settlement({ settlementId: 'S-3', supersedes: 'S-1' }));
    const again = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-4', supersedes: 'S-1' }),
    );
    if (again.outcome !== 'DUPLICATE_INVOICE') expect.fail(again.outcome);
    expect(again.existing).to.deep.equal({ hospital: H1, settlementId: 'S-3' });
  });

  it('a settlement that stands cannot be replaced', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const result = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-2', supersedes: 'S-1' }),
    );
    expect(result.outcome).to.equal('DUPLICATE_INVOICE');
  });

  it('refuses supersedes on an invoice nothing used, writing nothing', async () => {
    const fabric = await seeded();
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, settlement({ supersedes: 'S-0' })),
      'VALIDATION_FAILED',
    );
  });
});

describe('Overlapping stays', () => {
  const stay = (hospital: string, settlementId: string, admissionDate: string, dischargeDate: string) =>
    settlement({
      settlementId,
      invoiceHash: sha256(`${hospital}/${settlementId}`),
      admissionDate,
      dischargeDate,
    });

  it('records the settlement and an OPEN alert for both hospitals and the insurer when stays share a night', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, stay(H1, 'A', '2026-02-10', '2026-02-20'));
    const result = await fabric.invoke(H2, Tx.submitSettlement, stay(H2, 'B', '2026-02-19', '2026-02-25'));
    expect(result.outcome).to.equal('RECORDED');
    const [alert] = (await fabric.query(REG, Tx.listAlerts, {})).items;
    expect(alert).to.deep.include({
      type: 'OVERLAPPING_STAY',
      status: 'OPEN',
      attempted: { hospital: H2, settlementId: 'B', insurer: I1 },
      existing: { hospital: H1, settlementId: 'A' },
      parties: [H1, H2, I1],
    });
    const event = fabric.events.at(-1)?.payload as LedgerEvent | undefined;
    expect(event).to.deep.include({ type: 'SettlementRecorded', parties: [H1, H2, I1] });
    // The first hospital is told of the alert, not of the other hospital's settlement.
    expect(event?.scopes).to.deep.equal([
      { parties: [H2, I1], refs: [0] },
      { parties: [H1, H2, I1], refs: [1] },
    ]);
  });

  it('raises nothing for a transfer on the day of discharge, the same hospital, outpatients or a reversed stay', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, stay(H1, 'A', '2026-02-10', '2026-02-20'));
    await fabric.invoke(H2, Tx.submitSettlement, stay(H2, 'B', '2026-02-20', '2026-02-24'));
    await fabric.invoke(H1, Tx.submitSettlement, stay(H1, 'C', '2026-02-12', '2026-02-14'));
    await fabric.invoke(H2, Tx.submitSettlement, stay(H2, 'D', '2026-02-15', '2026-02-15'));
    await fabric.invoke(H1, Tx.reverseSettlement, reversal('C'));
    await fabric.invoke(H1, Tx.reverseSettlement, reversal('A'));
    await fabric.invoke(H2, Tx.submitSettlement, stay(H2, 'E', '2026-02-11', '2026-02-13'));
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.deep.equal([]);
  });

  it("does not see another insurer's policies: an overlap there is out of its endorsers' sight", async () => {
    const fabric = await seeded();
    await fabric.invoke(I2, Tx.registerPolicy, policy({ policyRef: 'POL-2', productId: 'ZHONGAN-2026' }));
    await fabric.invoke(H1, Tx.submitSettlement, stay(H1, 'A', '2026-02-10', '2026-02-20'));
    await fabric.invoke(H2, Tx.submitSettlement, {
      ...stay(H2, 'B', '2026-02-12', '2026-02-18'),
      policyRef: 'POL-2',
      insurer: I2,
    });
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.deep.equal([]);
  });
});

describe('Alerts for those concerned, with a life', () => {
  async function withAlert(): Promise<{ fabric: FakeFabric; alert: Alert }> {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const result = await fabric.invoke(
      H2,
      Tx.submitSettlement,
      settlement({ settlementId: 'X', admissionDate: '2026-02-27' }),
    );
    if (result.outcome !== 'DUPLICATE_INVOICE') expect.fail(result.outcome);
    return { fabric, alert: result.alert };
  }
  const triage = (alertId: string, status = 'CONFIRMED', note = 'same invoice, second claim') => ({
    actor: 'auditor-1',
    alertId,
    status,
    note,
  });

  it('lists an alert to the hospitals and insurer it concerns and the regulator, never to another insurer', async () => {
    const { fabric, alert } = await withAlert();
    for (const caller of [H1, H2, I1, REG]) {
      expect(
        (await fabric.query(caller, Tx.listAlerts, {})).items.map((a) => a.alertId),
        caller,
      ).to.deep.equal([alert.alertId]);
    }
    expect((await fabric.query(I2, Tx.listAlerts, {})).items).to.deep.equal([]);
    await refused(fabric.query(I2, Tx.alertHistory, { alertId: alert.alertId }), 'NOT_FOUND');
    await refused(fabric.query(STRANGER, Tx.listAlerts, {}), 'FORBIDDEN');
  });

  it('the regulator triages an open alert once; the history shows both versions with their writers', async () => {
    const { fabric, alert } = await withAlert();
    const { created, record } = await fabric.invoke(REG, Tx.triageAlert, triage(alert.alertId));
    expect(created).to.equal(true);
    expect(record).to.deep.include({ status: 'CONFIRMED' });
    expect(record.triage).to.deep.include({ note: 'same invoice, second claim' });
    expect(record.triage?.by).to.deep.include({ mspId: REG, user: 'auditor-1' });
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'AlertTriaged',
      parties: alert.parties,
      refs: [{ alertId: alert.alertId }],
    });
    expect((await fabric.invoke(REG, Tx.triageAlert, triage(alert.alertId))).created).to.equal(false);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(REG, Tx.triageAlert, triage(alert.alertId, 'DISMISSED')),
      'INVALID_STATE',
    );
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(REG, Tx.triageAlert, triage(alert.alertId, 'CONFIRMED', 'another note')),
      'ID_CONFLICT',
    );
    const history = await fabric.query(H1, Tx.alertHistory, { alertId: alert.alertId });
    expect(history.map((v) => [v.mspId, v.value?.status])).to.deep.equal([
      [H2, 'OPEN'],
      [REG, 'CONFIRMED'],
    ]);
    const confirmed = await fabric.query(I1, Tx.listAlerts, { status: 'CONFIRMED' });
    expect(confirmed.items).to.have.length(1);
    expect((await fabric.query(I1, Tx.listAlerts, { status: 'OPEN' })).items).to.deep.equal([]);
  });

  it('only a regulator triages, only to CONFIRMED or DISMISSED, and only an alert that exists', async () => {
    const { fabric, alert } = await withAlert();
    for (const caller of [H1, H2, I1, I2]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.triageAlert, triage(alert.alertId)),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(REG, Tx.triageAlert, triage(alert.alertId, 'OPEN')),
      'VALIDATION_FAILED',
    );
    await refusedUnchanged(fabric, () => fabric.invoke(REG, Tx.triageAlert, triage('nope')), 'NOT_FOUND');
  });
});
