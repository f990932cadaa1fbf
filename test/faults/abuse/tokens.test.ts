/**
 * The gateway issue's token attacks and cross-organisation attempts, run against every gateway of the fault
 * instance: every bad token is a 401, and no organisation reads or changes what belongs to another.
 */
import { expect } from 'chai';
import { mspOf, ORG_IDS, startGateways } from '../support/gateways';
import { call, tokenFor } from '../support/http';
import { loadLanes, settlementBody, uniqueId } from '../support/scenario';
import { badTokens } from '../support/tokens';

describe('abuse: tokens and other organisations', function () {
  this.timeout(120_000);
  before(() => startGateways());

  for (const org of ORG_IDS) {
    it(`${org}: refuses every bad token with 401 and accepts a good one`, async () => {
      for (const [attack, token] of Object.entries(badTokens(org))) {
        const answer = await call(org, 'GET', '/v1/participants', undefined, token);
        expect(answer.status, `${attack}: ${JSON.stringify(answer.body)}`).to.equal(401);
        expect(answer.body.code, attack).to.equal('UNAUTHENTICATED');
      }
      expect((await call(org, 'GET', '/v1/participants', undefined, null)).status).to.equal(401);
      expect((await call(org, 'GET', '/v1/participants')).status).to.equal(200);
    });
  }

  it('refuses a role the organisation does not hold (a hospital clerk claiming auditor)', async () => {
    const answer = await call(
      'hospital1',
      'GET',
      '/v1/audit/alerts',
      undefined,
      tokenFor('hospital1', { role: 'auditor' }),
    );
    expect(answer.status, JSON.stringify(answer.body)).to.equal(401);
  });

  it("hides a hospital's settlement from other hospitals and insurers, and refuses their writes", async () => {
    const lane = (await loadLanes()).find((l) => l.org === 'hospital1');
    if (!lane) throw new Error('no hospital1 lane');
    const body = settlementBody(lane.policy, uniqueId('cross'));
    const recorded = await call('hospital1', 'POST', '/v1/settlements', body);
    expect(recorded.status, JSON.stringify(recorded.body)).to.equal(201);
    const path = `/v1/settlements/${mspOf('hospital1')}/${body.settlementId}`;
    for (const other of ['hospital2', 'insurer2'] as const) {
      expect((await call(other, 'GET', path)).status, `${other} reads`).to.equal(404);
      expect((await call(other, 'GET', `${path}/history`)).status, `${other} reads history`).to.equal(404);
    }
    const payout = {
      amount: recorded.body.split.commercialShare,
      paidAt: '2026-05-04T08:00:00Z',
      paymentReference: 'x',
    };
    const attempts = [
      await call('insurer2', 'POST', `${path}/payout`, payout),
      await call('insurer2', 'POST', `${path}/dispute`, { reason: 'not ours' }),
      await call('hospital2', 'POST', `${path}/reversal`, { reason: 'not ours' }),
      await call('hospital1', 'POST', `${path}/payout`, payout),
      await call('regulator', 'POST', '/v1/settlements', settlementBody(lane.policy, uniqueId('cross'))),
    ];
    for (const attempt of attempts)
      expect(attempt.status, JSON.stringify(attempt.body)).to.be.oneOf([403, 404]);
    const after = await call('regulator', 'GET', path);
    expect(after.body.status).to.equal('AWAITING_PAYOUT');
    expect(after.body.txId).to.equal(recorded.body.txId);
  });
});
