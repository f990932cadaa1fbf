/**
 * Clearing and month-end over HTTP against the real network: a bulk payout of 250 settlements with one wrong
 * amount, its remittance, the month's statement confirmed by both parties, a late reversal that raises
 * PERIOD_CHANGED, and the statement's CSV. Discharges in July, apart from the other suites' months.
 */
import { expect } from 'chai';
import type { Alert, StatementLine } from '../../../chaincode/src/api';
import { GATEWAY_COSTS as costs, invoiceNumberFor } from '../support/fixtures';
import { eventually } from '../support/nodes';
import { call, committedTransaction, ensureGateways, stopStartedGateways, tokenFor, urlOf } from './harness';
import { cover, everyAlert, expectStatus, id, patient, publishProduct } from './run-fixtures';

const COUNT = 250;
const MONTH = '2026-07';
const statementPath = `/v1/statements/Hospital1MSP/Insurer1MSP/${MONTH}`;

/** What the test adds up itself of a statement's lines. */
const sum = (lines: readonly StatementLine[], field: 'commercialShare' | 'paid' | 'outstanding') =>
  lines.reduce((total, line) => total + line[field], 0);

describe('clearing and month-end', function () {
  this.timeout(300_000);
  const settlementId = (n: number) => id(`M-${String(n).padStart(3, '0')}`);
  const shares: number[] = [];

  before(async () => {
    await ensureGateways();
    const productId = id('CLEARING');
    await publishProduct(productId);
    // Series 3 of the run's identity numbers: this suite's one patient.
    await cover(patient(1, 3), productId, id('MPOL-1'));
    const items = Array.from({ length: COUNT }, (_, n) => ({
      settlementId: settlementId(n),
      patient: patient(1, 3),
      policyRef: id('MPOL-1'),
      invoiceNumber: invoiceNumberFor(settlementId(n)),
      admissionDate: '2026-07-01',
      dischargeDate: '2026-07-01',
      mode: 'PARALLEL',
      costs,
    }));
    for (let start = 0; start < COUNT; start += 100) {
      const batch = await call('hospital1', 'POST', '/v1/settlements/batch', {
        items: items.slice(start, start + 100),
      });
      expectStatus(batch, 200);
      for (const result of batch.body.results) {
        expect(result.status).to.equal(201);
        shares.push(result.body.split.commercialShare);
      }
    }
  });
  after(() => stopStartedGateways());

  it('pays 249 settlements in one payment and refuses the one with a wrong amount; the remittance lists the 249', async () => {
    const paymentReference = id('BANK');
    const items = shares.map((amount, n) => ({
      settlementId: settlementId(n),
      amount: n === 7 ? amount + 1 : amount,
    }));
    const body = { paymentReference, paidAt: '2026-07-10', hospital: 'Hospital1MSP', items };
    const paid = await call('insurer1', 'POST', '/v1/payouts/batch', body);
    expectStatus(paid, 200);
    const statuses = paid.body.results.map((r: { status: number }) => r.status);
    expect(statuses.filter((s: number) => s === 201)).to.have.length(COUNT - 1);
    expect(paid.body.results[7]).to.deep.include({ status: 422 });
    expect(paid.body.results[7].body.code).to.equal('AMOUNT_MISMATCH');
    const path = `/v1/payouts/Hospital1MSP/Insurer1MSP/${paymentReference}`;
    await eventually("hospital1's peer to hold the remittance", async () => {
      return (await call('hospital1', 'GET', path)).status === 200;
    });
    const remittance = (await call('hospital1', 'GET', path)).body;
    expect(remittance.items).to.have.length(COUNT - 1);
    expect(remittance.total).to.equal(shares.reduce((total, share) => total + share, 0) - shares[7]);
    expectStatus(await call('hospital2', 'GET', path), 404);
    expectStatus(await call('insurer2', 'GET', path), 404);
  });

  it('states the month as the sum of its lines, confirmed by both parties with both endorsing', async () => {
    const lines: StatementLine[] = [];
    const csv = await fetch(`${urlOf('insurer1')}${statementPath}?format=csv&lang=en`, {
      headers: { authorization: `Bearer ${tokenFor('insurer1')}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n').slice(1);
    for (const row of rows) {
      const cells = row.split(',');
      lines.push({
        settlementId: cells[0],
        status: cells[2],
        commercialShare: fen(cells[6]),
        paid: fen(cells[8]),
        outstanding: fen(cells[10]),
      } as StatementLine);
    }
    const statement = (await call('insurer1', 'GET', statementPath)).body;
    // A row per settlement of the month, reversed ones too; the totals are over those that stand.
    const counts = Object.values(statement.totals.byStatus) as { count: number }[];
    expect(rows).to.have.length(counts.reduce((total, { count }) => total + count, 0));
    expect(lines.filter((l) => l.settlementId.endsWith(id('')))).to.have.length(COUNT);
    const standing = lines.filter((l) => l.status !== 'REVERSED');
    expect(standing).to.have.length(statement.totals.count);
    expect(sum(standing, 'commercialShare')).to.equal(statement.totals.commercialShare);
    expect(sum(standing, 'paid')).to.equal(statement.totals.paid);
    expect(sum(standing, 'outstanding')).to.equal(statement.totals.outstanding);

    for (const org of ['hospital2', 'insurer2']) expectStatus(await call(org, 'GET', statementPath), 404);
    for (const org of ['hospital1', 'insurer1']) {
      await eventually(`${org}'s peer to hold every line`, async () => {
        return (await call(org, 'GET', statementPath)).body.listHash === statement.listHash;
      });
      const confirmed = await call(org, 'POST', `${statementPath}/confirm`, { listHash: statement.listHash });
      expectStatus(confirmed, 201);
      const tx = await committedTransaction('regulator', confirmed.body.txId);
      expect(tx.body.endorsers).to.include.members(['Hospital1MSP', 'Insurer1MSP']);
    }
    await eventually("the regulator's peer to hold both confirmations", async () => {
      return (await call('regulator', 'GET', statementPath)).body.agreed === true;
    });
  });

  it('raises PERIOD_CHANGED when a settlement of the confirmed month is reversed, and asks to confirm again', async () => {
    const target = settlementId(7);
    const reversed = await call('hospital1', 'POST', `/v1/settlements/Hospital1MSP/${target}/reversal`, {
      reason: 'late correction',
    });
    expectStatus(reversed, 201);
    const changed = async (org: string) =>
      (await everyAlert(org, '/v1/alerts?type=PERIOD_CHANGED')).filter(
        (alert: Alert) => alert.attempted.settlementId === target,
      );
    await eventually("insurer1's peer to hold the alert", async () => (await changed('insurer1')).length > 0);
    const [alert] = await changed('insurer1');
    expect(alert).to.deep.include({ period: MONTH, status: 'OPEN' });
    expect(await changed('insurer2')).to.deep.equal([]);
    const statement = (await call('hospital1', 'GET', statementPath)).body;
    expect(statement).to.deep.include({ agreed: false, needsReconfirmation: true });
  });
});

/** Yuan with two decimals, as the export writes them, back to fen. */
function fen(yuan: string): number {
  const [whole, cents] = yuan.split('.');
  return Number(whole) * 100 + Number(cents);
}
