import { expect } from 'chai';
import { Tx, type Recovery, type TxName } from '@settlement/chaincode/dist/api';
import { actor, settlementRecord } from './fixtures';
import { jsonOf, startGateway, TestGateway } from './harness';

const base = '/v1/settlements/Hospital1MSP/S-1';
const TX_STEP = 'a'.repeat(64);
const TX_NEW = 'b'.repeat(64);

const steps: { path: string; tx: TxName; role: 'clerk' | 'adjuster'; body: Record<string, unknown> }[] = [
  {
    path: `${base}/dispute/answer`,
    tx: Tx.answerDispute,
    role: 'clerk',
    body: { reason: 'discharge summary attached', evidenceHash: 'e'.repeat(64) },
  },
  {
    path: `${base}/dispute/withdraw`,
    tx: Tx.withdrawDispute,
    role: 'adjuster',
    body: { reason: 'convinced' },
  },
  { path: `${base}/dispute/uphold`, tx: Tx.upholdDispute, role: 'adjuster', body: {} },
  {
    path: `${base}/recovery`,
    tx: Tx.recoverSettlement,
    role: 'adjuster',
    body: { amount: 500, reason: 'audit finding', reference: 'REC-1', recoveredAt: '2026-03-01' },
  },
];

describe('gateway routes that resolve disputes and recover payments', () => {
  const gateways: Record<string, TestGateway> = {};
  before(async () => {
    for (const org of ['hospital1', 'insurer1', 'regulator']) gateways[org] = await startGateway(org);
  });
  after(async () => {
    for (const gateway of Object.values(gateways)) await gateway.close();
  });
  beforeEach(() => {
    for (const gateway of Object.values(gateways)) {
      gateway.ledger.calls.length = 0;
      gateway.ledger.on(Tx.settlementEndorsers, () => ({ organisations: ['Hospital1MSP', 'Insurer1MSP'] }));
    }
  });

  for (const step of steps) {
    const own = step.role === 'clerk' ? 'hospital1' : 'insurer1';
    describe(step.path.slice(base.length), () => {
      it(`sends ${step.tx} with the key, the body and the user`, async () => {
        const gateway = gateways[own];
        gateway.ledger.on(step.tx, () => ({ created: true, record: settlementRecord({ txId: TX_NEW }) }));
        const res = await gateway.call(step.path, { method: 'POST', json: step.body });
        expect(res.status).to.equal(201);
        expect((await jsonOf(res)).txId).to.match(/^[0-9a-f]{64}$/);
        const [submit] = gateway.ledger.submits();
        expect(submit.tx).to.equal(step.tx);
        expect(submit.request).to.deep.equal({
          hospital: 'Hospital1MSP',
          settlementId: 'S-1',
          ...step.body,
          actor: `user-of-${own}`,
        });
      });

      it('refuses other roles with 403 before asking the ledger', async () => {
        for (const org of Object.keys(gateways).filter((o) => o !== own)) {
          const res = await gateways[org].call(step.path, { method: 'POST', json: step.body });
          expect(res.status, org).to.equal(403);
          expect(gateways[org].ledger.calls, org).to.have.length(0);
        }
      });
    });
  }

  it('answers a replay 200 with the transaction that took the step', async () => {
    const recovered = settlementRecord({
      status: 'PAID',
      txId: TX_NEW,
      recoveries: [{ ...(steps[3].body as Omit<Recovery, 'by'>), by: actor(TX_STEP, 'Insurer1MSP') }],
    });
    gateways.insurer1.ledger.on(Tx.recoverSettlement, () => ({ created: false, record: recovered }));
    const res = await gateways.insurer1.call(steps[3].path, { method: 'POST', json: steps[3].body });
    expect(res.status).to.equal(200);
    expect((await jsonOf(res)).txId).to.equal(TX_STEP);
  });

  it("answers 404 to a clerk answering another hospital's dispute without asking the ledger", async () => {
    const res = await gateways.hospital1.call('/v1/settlements/Hospital2MSP/S-1/dispute/answer', {
      method: 'POST',
      json: steps[0].body,
    });
    expect(res.status).to.equal(404);
    expect(gateways.hospital1.ledger.calls).to.have.length(0);
  });

  it('refuses a recovery of no money or without a reference, with the fields named', async () => {
    for (const change of [
      { amount: 0 },
      { amount: 1.5 },
      { reference: undefined },
      { recoveredAt: 'soon' },
    ]) {
      const json = { ...steps[3].body, ...change };
      const res = await gateways.insurer1.call(steps[3].path, { method: 'POST', json });
      expect(res.status, JSON.stringify(change)).to.equal(400);
    }
    expect(gateways.insurer1.ledger.calls).to.have.length(0);
  });
});
