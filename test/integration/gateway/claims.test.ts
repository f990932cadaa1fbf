/**
 * Claims that end right, over HTTP against the real network: a reversed settlement replaced with the same invoice,
 * a second insurer paying what the first left to the patient, disputes answered, withdrawn and upheld, money recovered after payment, alerts shown to those they concern and
 * triaged, and overlapping stays at two hospitals submitted at the same moment. Fresh ids every run; discharges
 * in April and May, apart from the other suites' March.
 */
import { expect } from 'chai';
import type { Alert } from '../../../chaincode/src/api';
import { GATEWAY_COSTS as costs, invoiceNumberFor } from '../support/fixtures';
import { eventually } from '../support/nodes';
import { call, ensureGateways, stopStartedGateways } from './harness';
import { cover, everyAlert, expectStatus, id, patient, publishProduct } from './run-fixtures';

/** This suite's patients: series 1 of the run's identity numbers. */
const person = (n: number) => patient(n, 1);

describe('claims that end right', function () {
  this.timeout(120_000);
  const productId = id('CLAIMS');

  /** Patient n's settlement `name` at a hospital (hospital1 by default), on the patient's policy. */
  const settlement = (n: number, name: string, extra: object = {}) => ({
    settlementId: id(name),
    patient: person(n),
    policyRef: id(`CPOL-${n}`),
    invoiceNumber: invoiceNumberFor(id(`invoice-${name}`)),
    admissionDate: '2026-05-01',
    dischargeDate: '2026-05-04',
    mode: 'PARALLEL',
    costs,
    ...extra,
  });
  const path = (name: string, step = '', hospital = 'Hospital1MSP') =>
    `/v1/settlements/${hospital}/${id(name)}${step}`;
  const remaining = async (n: number): Promise<number> =>
    (await call('hospital1', 'POST', '/v1/eligibility', { patient: person(n), date: '2026-05-04' })).body
      .policies[0].remaining.total;

  before(async () => {
    await ensureGateways();
    await publishProduct(productId);
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await cover(person(n), productId, id(`CPOL-${n}`));
  });
  after(() => stopStartedGateways());

  it('replaces a reversed settlement with the same invoice when it says so, and only then', async () => {
    const first = settlement(1, 'R-1');
    expectStatus(await call('hospital1', 'POST', '/v1/settlements', first), 201);
    expectStatus(await call('hospital1', 'POST', path('R-1', '/reversal'), { reason: 'wrong costs' }), 201);
    const plain = await call('hospital1', 'POST', '/v1/settlements', { ...first, settlementId: id('R-2') });
    expectStatus(plain, 409);
    expect(plain.body.code).to.equal('DUPLICATE_INVOICE');
    const replacement = { ...first, settlementId: id('R-3'), supersedes: id('R-1') };
    const replaced = await call('hospital1', 'POST', '/v1/settlements', replacement);
    expectStatus(replaced, 201);
    expect(replaced.body.supersedes).to.equal(id('R-1'));
    await eventually(
      "insurer1's peer to link the two",
      async () => (await call('insurer1', 'GET', path('R-1'))).body.supersededBy === id('R-3'),
    );
    expect((await call('insurer1', 'GET', path('R-1'))).body.status).to.equal('REVERSED');
    const alerts = await everyAlert('hospital1', '/v1/alerts?type=DUPLICATE_INVOICE');
    const mine = alerts.filter((a) => [id('R-2'), id('R-3')].includes(a.attempted.settlementId));
    expect(mine.map((a) => a.attempted.settlementId)).to.deep.equal([id('R-2')]);
    expect(await remaining(1)).to.equal(100_000_000 - replaced.body.split.commercialShare);
  });

  it('a second insurer pays exactly the patient share the first left; a third claim beyond it is a duplicate', async () => {
    // Patient 7 also holds an insurer2 policy on the same terms.
    const secondProduct = id('CLAIMS-2');
    await publishProduct(secondProduct, 'insurer2');
    await cover(person(7), secondProduct, id('CPOL2-7'), 'insurer2');
    const first = await call('hospital1', 'POST', '/v1/settlements', settlement(7, 'C-1'));
    expectStatus(first, 201);
    const left = first.body.split.patientShare as number;
    expect(left).to.be.greaterThan(0);
    const onFirst = { policyRef: id('CPOL2-7'), invoiceNumber: settlement(7, 'C-1').invoiceNumber };
    const unreferenced = await call('hospital1', 'POST', '/v1/settlements', settlement(7, 'C-2', onFirst));
    expectStatus(unreferenced, 409);
    const coordinated = settlement(7, 'C-3', { ...onFirst, priorSettlement: id('C-1') });
    const second = await call('hospital1', 'POST', '/v1/settlements', coordinated);
    expectStatus(second, 201);
    // Its product would pay more than was left (the same terms as the first's): it pays exactly what was left.
    expect(second.body.split).to.deep.include({ commercialShare: left, patientShare: 0 });
    expect(second.body).to.deep.include({ insurer: 'Insurer2MSP', priorSettlement: id('C-1') });
    const third = await call('hospital1', 'POST', '/v1/settlements', {
      ...settlement(7, 'C-4', { invoiceNumber: onFirst.invoiceNumber }),
      priorSettlement: id('C-3'),
    });
    expectStatus(third, 409);
    expect(third.body).to.deep.include({ code: 'DUPLICATE_INVOICE' });
    // Each insurer reads its own settlement only; the first is not reversed under the second.
    await eventually("insurer2's peer to hold its settlement", async () => {
      return (await call('insurer2', 'GET', path('C-3'))).status === 200;
    });
    expectStatus(await call('insurer2', 'GET', path('C-1')), 404);
    const reversal = await call('hospital1', 'POST', path('C-1', '/reversal'), { reason: 'wrong' });
    expectStatus(reversal, 409);
    const payout = { amount: left, paidAt: '2026-05-05', paymentReference: id('PAY-C-3') };
    expectStatus(await call('insurer2', 'POST', path('C-3', '/payout'), payout), 201);
  });

  it('dispute → answer → withdraw → payout, each step by its party', async () => {
    const recorded = await call('hospital1', 'POST', '/v1/settlements', settlement(2, 'D-1'));
    expectStatus(recorded, 201);
    expectStatus(await call('insurer1', 'POST', path('D-1', '/dispute'), { reason: 'stay too long' }), 201);
    // Each step is refused to the other party's role at the gateway.
    expectStatus(await call('insurer1', 'POST', path('D-1', '/dispute/answer'), { reason: 'x' }), 403);
    expectStatus(await call('hospital1', 'POST', path('D-1', '/dispute/withdraw'), {}), 403);
    const answer = { reason: 'discharge summary attached', evidenceHash: 'a'.repeat(64) };
    const answered = await call('hospital1', 'POST', path('D-1', '/dispute/answer'), answer);
    expectStatus(answered, 201);
    expect(answered.body.status).to.equal('DISPUTED');
    // Another insurer sees no such settlement.
    expectStatus(await call('insurer2', 'POST', path('D-1', '/dispute/withdraw'), {}), 404);
    const withdrawn = await call('insurer1', 'POST', path('D-1', '/dispute/withdraw'), {
      reason: 'convinced',
    });
    expectStatus(withdrawn, 201);
    expect(withdrawn.body.status).to.equal('AWAITING_PAYOUT');
    const payout = {
      amount: recorded.body.split.commercialShare,
      paidAt: '2026-05-05',
      paymentReference: id('PAY-D-1'),
    };
    const paid = await call('insurer1', 'POST', path('D-1', '/payout'), payout);
    expectStatus(paid, 201);
    const history = async () => call('regulator', 'GET', path('D-1', '/history'));
    await eventually(
      "the regulator's peer to hold the payout",
      async () => (await history()).body.items?.length === 5,
    );
    expect((await history()).body.items.map((v: { mspId: string }) => v.mspId)).to.deep.equal([
      'Hospital1MSP',
      'Insurer1MSP',
      'Hospital1MSP',
      'Insurer1MSP',
      'Insurer1MSP',
    ]);
  });

  it('dispute → uphold: REJECTED for good and the policy gets back what it took', async () => {
    const before = await remaining(3);
    expectStatus(await call('hospital1', 'POST', '/v1/settlements', settlement(3, 'U-1')), 201);
    expect(await remaining(3)).to.be.lessThan(before);
    expectStatus(await call('insurer1', 'POST', path('U-1', '/dispute'), { reason: 'not covered' }), 201);
    const upheld = await call('insurer1', 'POST', path('U-1', '/dispute/uphold'), { reason: 'confirmed' });
    expectStatus(upheld, 201);
    expect(upheld.body.status).to.equal('REJECTED');
    await eventually("hospital1's peer to give the policy back", async () => (await remaining(3)) === before);
    expectStatus(await call('insurer1', 'POST', path('U-1', '/dispute/withdraw'), {}), 409);
  });

  it('payout → partial recovery → reconciliation shows paid, recovered and net', async () => {
    const recorded = await call('hospital1', 'POST', '/v1/settlements', settlement(4, 'P-1'));
    expectStatus(recorded, 201);
    const share = recorded.body.split.commercialShare as number;
    const payout = { amount: share, paidAt: '2026-05-05', paymentReference: id('PAY-P-1') };
    expectStatus(await call('insurer1', 'POST', path('P-1', '/payout'), payout), 201);
    const totals = async () =>
      (await call('insurer1', 'GET', '/v1/audit/reconciliation?from=2026-05-04&to=2026-05-04')).body;
    const before = await totals();
    const recovery = {
      amount: 300,
      reason: 'audit finding',
      reference: id('REC-1'),
      recoveredAt: '2026-05-20',
    };
    const recovered = await call('insurer1', 'POST', path('P-1', '/recovery'), recovery);
    expectStatus(recovered, 201);
    expect(recovered.body.status).to.equal('PAID');
    const replay = await call('insurer1', 'POST', path('P-1', '/recovery'), recovery);
    expectStatus(replay, 200);
    expect(replay.body.txId).to.equal(recovered.body.txId);
    const after = await totals();
    expect(after.recovered - before.recovered).to.equal(300);
    expect(after.net - before.net).to.equal(-300);
    expect(after.paid).to.equal(before.paid);
    const tooMuch = { ...recovery, amount: share, reference: id('REC-2') };
    expectStatus(await call('insurer1', 'POST', path('P-1', '/recovery'), tooMuch), 422);
    const rest = { ...recovery, amount: share - 300, reference: id('REC-3') };
    const full = await call('insurer1', 'POST', path('P-1', '/recovery'), rest);
    expect(full.body.status).to.equal('RECOVERED');
  });

  it('two hospitals submitting overlapping stays at once: both recorded, exactly one alert, seen by those concerned', async () => {
    const at = (hospital: string, name: string, admissionDate: string, dischargeDate: string) =>
      call(hospital, 'POST', '/v1/settlements', settlement(5, name, { admissionDate, dischargeDate }));
    const [first, second] = await Promise.all([
      at('hospital1', 'O-1', '2026-04-10', '2026-04-20'),
      at('hospital2', 'O-2', '2026-04-15', '2026-04-25'),
    ]);
    expectStatus(first, 201);
    expectStatus(second, 201);
    const ours = (items: Alert[]) =>
      items.filter((a) => [id('O-1'), id('O-2')].includes(a.attempted.settlementId));
    const seen = async (org: string) => ours(await everyAlert(org, '/v1/alerts?type=OVERLAPPING_STAY'));
    // Each organisation reads through its own peer, which may be a block behind the hospitals'.
    for (const org of ['regulator', 'hospital1', 'hospital2', 'insurer1'])
      await eventually(`${org}'s peer to hold the alert`, async () => (await seen(org)).length > 0);
    const [alert, ...others] = await seen('regulator');
    expect(others).to.deep.equal([]);
    expect(alert).to.deep.include({
      status: 'OPEN',
      parties: ['Hospital1MSP', 'Hospital2MSP', 'Insurer1MSP'],
    });
    for (const org of ['hospital1', 'hospital2', 'insurer1']) expect(await seen(org), org).to.have.length(1);
    expect(await seen('insurer2')).to.deep.equal([]);

    const triage = { status: 'DISMISSED', note: 'transfer between the two hospitals' };
    expectStatus(await call('insurer1', 'POST', `/v1/alerts/${alert.alertId}/triage`, triage), 403);
    const triaged = await call('regulator', 'POST', `/v1/alerts/${alert.alertId}/triage`, triage);
    expectStatus(triaged, 201);
    expect(triaged.body.triage).to.deep.include({ status: 'DISMISSED', note: triage.note });
    const history = await call('hospital2', 'GET', `/v1/alerts/${alert.alertId}/history`);
    expect(history.body.items.map((v: { value: { status: string } }) => v.value.status)).to.deep.equal([
      'OPEN',
      'DISMISSED',
    ]);
    expectStatus(await call('insurer2', 'GET', `/v1/alerts/${alert.alertId}/history`), 404);
  });

  it("shows insurer2 no alert about insurer1's policies", async () => {
    const original = settlement(6, 'A-1');
    expectStatus(await call('hospital1', 'POST', '/v1/settlements', original), 201);
    const again = { ...original, settlementId: id('A-2'), admissionDate: '2026-05-04' };
    const duplicate = await call('hospital2', 'POST', '/v1/settlements', again);
    expectStatus(duplicate, 409);
    const listed = async (org: string) =>
      (await everyAlert(org, '/v1/alerts?type=DUPLICATE_INVOICE')).map((a) => a.alertId);
    for (const org of ['insurer1', 'hospital1'])
      await eventually(`${org}'s peer to hold the alert`, async () =>
        (await listed(org)).includes(duplicate.body.alertId),
      );
    expect(await listed('insurer2')).to.not.include(duplicate.body.alertId);
  });
});
