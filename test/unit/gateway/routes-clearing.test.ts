import { expect } from 'chai';
import { Tx, type StatementLine } from '@settlement/chaincode/dist/api';
import { csvLine, yuan } from '../../../gateway/src/csv';
import { jsonOf, problemOf, startGateway, TestGateway } from './harness';

const line = (settlementId: string, overrides: Partial<StatementLine> = {}): StatementLine => ({
  settlementId,
  dischargeDate: '2026-05-04',
  status: 'PAID',
  payee: 'HOSPITAL',
  total: 10000,
  fundShare: 6000,
  commercialShare: 2850,
  patientShare: 1150,
  paid: 2850,
  recovered: 0,
  outstanding: 0,
  paymentReference: 'BANK-1',
  ...overrides,
});

const statementPath = '/v1/statements/Hospital1MSP/Insurer1MSP/2026-05';

describe('CSV cells', () => {
  it('writes fen as yuan exactly, and text a spreadsheet would run as a formula as plain text', () => {
    expect([0, 5, 100, 123456789012345].map(yuan)).to.deep.equal([
      '0.00',
      '0.05',
      '1.00',
      '1234567890123.45',
    ]);
    const columns = [{ en: 'a', zh: 'a', cell: (row: string) => row }];
    expect(csvLine(columns, '=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"\r\n`);
    expect(csvLine(columns, 'plain, with comma')).to.equal('"plain, with comma"\r\n');
  });
});

describe('gateway routes for clearing and month-end', () => {
  const gateways: Record<string, TestGateway> = {};
  before(async () => {
    for (const org of ['hospital1', 'hospital2', 'insurer1', 'regulator'])
      gateways[org] = await startGateway(org);
  });
  after(async () => {
    for (const gateway of Object.values(gateways)) await gateway.close();
  });
  beforeEach(() => {
    for (const gateway of Object.values(gateways)) gateway.ledger.calls.length = 0;
  });

  it('pays a batch in one transaction endorsed by the hospital and the insurer, each item answered alone', async () => {
    const insurer = gateways.insurer1;
    insurer.ledger.on(Tx.getParticipant, (request) =>
      request.mspId === 'Hospital1MSP'
        ? { mspId: request.mspId, kind: 'HOSPITAL', name: 'H1' }
        : { kind: 'INSURER' },
    );
    insurer.ledger.on(Tx.payoutBatch, () => ({
      results: [
        { settlementId: 'S-1', outcome: 'PAID', txId: 'a'.repeat(64) },
        { settlementId: 'S-2', outcome: 'REJECTED', error: { code: 'AMOUNT_MISMATCH', message: 'no' } },
        { settlementId: 'S-3', outcome: 'EXISTING', txId: 'b'.repeat(64) },
      ],
      remittance: { items: [] },
    }));
    const body = {
      paymentReference: 'BANK-1',
      paidAt: '2026-05-05',
      hospital: 'Hospital1MSP',
      items: ['S-1', 'S-2', 'S-3'].map((settlementId) => ({ settlementId, amount: 100 })),
    };
    const res = await insurer.call('/v1/payouts/batch', { method: 'POST', json: body });
    expect(res.status).to.equal(200);
    const reply = await jsonOf(res);
    expect(reply.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 422, 200]);
    const [submit] = insurer.ledger.submits();
    expect(submit.options?.endorsingOrgs).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
    expect(submit.request).to.deep.include({ paymentReference: 'BANK-1', actor: 'user-of-insurer1' });
    const twice = { ...body, items: [body.items[0], body.items[0]] };
    const refused = await insurer.call('/v1/payouts/batch', { method: 'POST', json: twice });
    expect((await problemOf(refused)).errors).to.deep.equal([
      { path: 'body.items.1.settlementId', message: 'named twice' },
    ]);
    expect(
      (await gateways.hospital1.call('/v1/payouts/batch', { method: 'POST', json: body })).status,
    ).to.equal(403);
    // No peer of an organisation that is not a hospital could endorse: the caller's mistake, not the ledger's.
    const elsewhere = { ...body, hospital: 'Insurer2MSP' };
    const notHospital = await insurer.call('/v1/payouts/batch', { method: 'POST', json: elsewhere });
    expect((await problemOf(notHospital)).errors).to.deep.equal([
      { path: 'body.hospital', message: 'not a registered hospital' },
    ]);
    expect(insurer.ledger.submits()).to.have.length(1);
  });

  it("answers 404 for another hospital's or insurer's remittance and statement without asking the ledger", async () => {
    for (const path of ['/v1/payouts/Hospital1MSP/Insurer1MSP/BANK-1', statementPath]) {
      expect((await gateways.hospital2.call(path)).status).to.equal(404);
    }
    expect(gateways.hospital2.ledger.calls).to.deep.equal([]);
  });

  it("exports a statement's lines as CSV with a byte-order mark, Chinese headers and yuan, page after page", async () => {
    const hospital = gateways.hospital1;
    hospital.ledger.on(Tx.statementLines, (request) =>
      request.bookmark === ''
        ? {
            items: [line('S-1'), line('S-2', { status: 'AWAITING_PAYOUT', paid: 0, outstanding: 2850 })],
            bookmark: 'next',
          }
        : { items: [line('S-3', { paymentReference: undefined, paid: 5 })], bookmark: '' },
    );
    const res = await hospital.call(`${statementPath}?format=csv`);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(rows).to.have.length(4);
    expect(rows[0].split(',')[0]).to.equal('结算单号');
    expect(rows[2]).to.equal(
      'S-2,2026-05-04,AWAITING_PAYOUT,HOSPITAL,100.00,60.00,28.50,11.50,0.00,0.00,28.50,BANK-1',
    );
    expect(rows[3].endsWith(',0.05,0.00,0.00,')).to.equal(true);
    // fetch's text() drops the byte-order mark.
    const viaAccept = await hospital.call(statementPath, { headers: { accept: 'text/csv' } });
    expect((await viaAccept.text()).split('\r\n')[0]).to.match(/^结算单号,/);
    const en = await (await hospital.call(`${statementPath}?format=csv&lang=en`)).text();
    expect(en.split('\r\n')[0]).to.match(/^Settlement,Discharge date/);
  });

  it('confirms with every settlement the gateway read on the statement, endorsed by both parties', async () => {
    const insurer = gateways.insurer1;
    insurer.ledger.on(Tx.statementLines, (request) =>
      request.bookmark === ''
        ? { items: [line('S-1')], bookmark: 'next' }
        : { items: [line('S-2')], bookmark: '' },
    );
    const by = { mspId: 'Insurer1MSP', user: 'user-1', txId: 'c'.repeat(64), at: '2026-06-01T00:00:00Z' };
    insurer.ledger.on(Tx.confirmStatement, (request) => ({
      created: true,
      record: { listHash: request.listHash, count: 2, totals: {}, by },
    }));
    const listHash = 'd'.repeat(64);
    const res = await insurer.call(`${statementPath}/confirm`, { method: 'POST', json: { listHash } });
    expect(res.status).to.equal(201);
    const [submit] = insurer.ledger.submits();
    expect(submit.request).to.deep.include({ listHash, settlementIds: ['S-1', 'S-2'], month: '2026-05' });
    expect(submit.options?.endorsingOrgs).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
    const auditor = await gateways.regulator.call(`${statementPath}/confirm`, {
      method: 'POST',
      json: { listHash },
    });
    expect(auditor.status).to.equal(403);
  });

  it('exports alerts and a reconciliation as CSV too', async () => {
    const regulator = gateways.regulator;
    const alert = {
      alertId: 'A-1',
      type: 'PERIOD_CHANGED',
      period: '2026-05',
      attempted: { hospital: 'Hospital1MSP', settlementId: 'S-1', insurer: 'Insurer1MSP' },
      existing: { hospital: 'Hospital1MSP', settlementId: 'S-1' },
      status: 'OPEN',
      at: '2026-06-02T00:00:00Z',
    };
    regulator.ledger.on(Tx.listAlerts, () => ({ items: [alert], bookmark: '' }));
    const alerts = (await (await regulator.call('/v1/alerts?format=csv&lang=en')).text())
      .trimEnd()
      .split('\r\n');
    expect(alerts).to.have.length(2);
    expect(alerts[1]).to.match(/^A-1,PERIOD_CHANGED,OPEN,2026-06-02T00:00:00Z,2026-05,/);
    const sums = { count: 1, commercialShare: 2850, paid: 2850, recovered: 0, net: 2850, outstanding: 0 };
    regulator.ledger.on(Tx.reconciliation, () => ({
      ...sums,
      total: 10000,
      fundShare: 6000,
      patientShare: 1150,
      byStatus: { PAID: { count: 1, commercialShare: 2850 } },
      byPayee: { HOSPITAL: sums },
    }));
    const rows = (await (await regulator.call('/v1/audit/reconciliation?format=csv')).text())
      .trimEnd()
      .split('\r\n');
    expect(rows.slice(1)).to.deep.equal([
      'ALL,1,28.50,28.50,0.00,28.50,0.00',
      'PAYEE HOSPITAL,1,28.50,28.50,0.00,28.50,0.00',
      'STATUS PAID,1,28.50,,,,',
    ]);
  });
});
