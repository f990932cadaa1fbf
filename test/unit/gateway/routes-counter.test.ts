import { expect } from 'chai';
import { PRIOR_VERSIONS, Tx } from '@settlement/chaincode/dist/api';
import type { EligiblePolicy, SubmitSettlementResult } from '@settlement/chaincode/dist/api';
import { RAW_ID_NUMBER, settlementBody, settlementRecord } from './fixtures';
import { chaincodeFailure } from './fake-ledger';
import { jsonOf, problemOf, startGateway, TestGateway } from './harness';
import { VECTORS_2207 } from '../../vectors/load';

const recorded = (request: Record<string, unknown>): SubmitSettlementResult => ({
  outcome: 'RECORDED',
  settlement: settlementRecord({ settlementId: String(request.settlementId), costs: request.costs as never }),
});

const policyOn = (policyRef: string, insurer: string) => ({ policyRef, insurer }) as EligiblePolicy;

describe('gateway routes at the discharge counter', () => {
  let hospital: TestGateway;
  beforeEach(async () => {
    hospital = await startGateway('hospital1');
    hospital.ledger.on(Tx.settlementEndorsers, () => ({
      organisations: ['Hospital1MSP', 'Insurer1MSP'],
      insurer: 'Insurer1MSP',
    }));
    hospital.ledger.on(Tx.submitSettlement, recorded);
  });
  afterEach(() => hospital.close());

  const post = (path: string, json: unknown) => hospital.call(path, { method: 'POST', json });
  const [resident, employee] = VECTORS_2207;

  it('asks the ledger for eligibility with the patientRef, never the identity number', async () => {
    hospital.ledger.on(Tx.eligibility, (req) => ({ date: req.date, policies: [] }));
    const res = await post('/v1/eligibility', { patient: settlementBody.patient, date: '2026-03-01' });
    expect(res.status).to.equal(200);
    const [call] = hospital.ledger.calls;
    expect(call.request.patientRef).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(call.request)).not.to.include(RAW_ID_NUMBER);
    expect((await post('/v1/eligibility', { date: '2026-03-01' })).status).to.equal(400);
  });

  it('previews by evaluating only; a preview that would reuse an invoice is a 409 naming the settlement', async () => {
    const preview = {
      outcome: 'NEW',
      split: {},
      status: 'AWAITING_PAYOUT',
      payee: 'HOSPITAL',
      period: '2026',
    };
    hospital.ledger.on(Tx.previewSettlement, () => preview);
    const res = await post('/v1/settlements/preview', settlementBody);
    expect(res.status).to.equal(200);
    expect(await jsonOf(res)).to.deep.equal(preview);
    expect(hospital.ledger.submits()).to.deep.equal([]);
    const existing = { hospital: 'Hospital1MSP', settlementId: 'S-0' };
    hospital.ledger.on(Tx.previewSettlement, () => ({ outcome: 'DUPLICATE_INVOICE', existing }));
    const duplicate = await post('/v1/settlements/preview', settlementBody);
    expect(duplicate.status).to.equal(409);
    expect(await problemOf(duplicate)).to.deep.include({ code: 'DUPLICATE_INVOICE', existing });
  });

  it("sends a later insurer's settlement with the earlier settlement as this hospital's peer stores it", async () => {
    hospital.ledger.on(Tx.storedSettlement, () => ({ stored: '{"salt":"s"}' }));
    const body = { ...settlementBody, settlementId: 'S-2', priorSettlement: 'S-1' };
    expect((await post('/v1/settlements', body)).status).to.equal(201);
    const stored = hospital.ledger.calls.find((call) => call.tx === Tx.storedSettlement);
    expect(stored?.request).to.deep.equal({ hospital: 'Hospital1MSP', settlementId: 'S-1' });
    const [submit] = hospital.ledger.submits();
    expect(submit.request.priorSettlement).to.equal('S-1');
    expect(submit.options?.transient).to.deep.equal({ [PRIOR_VERSIONS]: '["{\\"salt\\":\\"s\\"}"]' });
    // One the peer does not know is left to the chaincode, which answers for it.
    hospital.ledger.on(Tx.storedSettlement, () => {
      throw chaincodeFailure('NOT_FOUND');
    });
    expect((await post('/v1/settlements', { ...body, settlementId: 'S-3' })).status).to.equal(201);
    expect(hospital.ledger.submits()[1].options?.transient).to.deep.equal({ [PRIOR_VERSIONS]: '[]' });
  });

  it('records a 2207 output with the fen it stands for, on the policy named', async () => {
    const body = { output: resident.output, policyRef: 'P-1', mode: 'PARALLEL', innovativeDrug: 560000 };
    const res = await post('/v1/settlements/from-2207', body);
    expect(res.status).to.equal(201);
    const [submit] = hospital.ledger.submits();
    expect(submit.request).to.deep.include({
      settlementId: resident.expect.settlementId,
      policyRef: 'P-1',
      costs: resident.expect.costs,
      dischargeDate: '2026-02-14',
    });
    expect(JSON.stringify(submit.request)).not.to.include(String(resident.output.setlinfo.certno));
  });

  it("settles on the patient's one active policy when the body names none, and asks which of several", async () => {
    hospital.ledger.on(Tx.eligibility, () => ({
      date: '2026-02-20',
      policies: [policyOn('P-7', 'Insurer1MSP')],
    }));
    const body = { output: employee.output, mode: 'SERIES', invoiceNumber: employee.invoiceNumber };
    expect((await post('/v1/settlements/from-2207', body)).status).to.equal(201);
    expect(hospital.ledger.submits()[0].request).to.deep.include({
      policyRef: 'P-7',
      insurer: 'Insurer1MSP',
    });
    const two = [policyOn('P-7', 'Insurer1MSP'), policyOn('P-8', 'Insurer2MSP')];
    hospital.ledger.on(Tx.eligibility, () => ({ date: '2026-02-20', policies: two }));
    const ambiguous = await post('/v1/settlements/from-2207', body);
    expect(ambiguous.status).to.equal(400);
    expect((await problemOf(ambiguous)).errors).to.deep.equal([
      { path: 'body.policyRef', message: 'one of P-7 (Insurer1MSP), P-8 (Insurer2MSP)' },
    ]);
    hospital.ledger.on(Tx.eligibility, () => ({ date: '2026-02-20', policies: [] }));
    expect((await post('/v1/settlements/from-2207', body)).status).to.equal(404);
    expect(hospital.ledger.submits()).to.have.length(1);
  });

  it('refuses a 2207 output whose figures do not add up with a coded 400, recording nothing', async () => {
    const setlinfo = { ...employee.output.setlinfo, psn_part_amt: '4660.01' };
    const body = {
      output: { setlinfo },
      policyRef: 'P-1',
      mode: 'PARALLEL',
      invoiceNumber: employee.invoiceNumber,
    };
    const res = await post('/v1/settlements/from-2207', body);
    expect(res.status).to.equal(400);
    const problem = await problemOf(res);
    expect(problem.code).to.equal('VALIDATION_FAILED');
    expect((problem.errors as { path: string }[]).map((e) => e.path)).to.include(
      'body.output.setlinfo.medfee_sumamt',
    );
    expect(hospital.ledger.calls).to.deep.equal([]);
  });

  it('gives each 2207 item of a batch its own outcome', async () => {
    hospital.ledger.on(Tx.submitSettlementBatch, (req) => ({
      results: (req.items as Record<string, unknown>[]).map(recorded),
    }));
    const good = { output: resident.output, policyRef: 'P-1', mode: 'PARALLEL', innovativeDrug: 560000 };
    const noPolicy = { output: employee.output, mode: 'PARALLEL', invoiceNumber: employee.invoiceNumber };
    hospital.ledger.on(Tx.eligibility, () => ({ date: '2026-02-20', policies: [] }));
    const res = await post('/v1/settlements/from-2207/batch', { items: [good, noPolicy] });
    expect(res.status).to.equal(200);
    const { results } = await jsonOf(res);
    expect(
      results.map((r: { settlementId: string; status: number }) => [r.settlementId, r.status]),
    ).to.deep.equal([
      [resident.expect.settlementId, 201],
      [employee.expect.settlementId, 404],
    ]);
  });

  it('reverses the settlement a 2208 cancellation names, as the calling hospital', async () => {
    hospital.ledger.on(Tx.reverseSettlement, (req) => ({
      created: true,
      record: settlementRecord({ settlementId: String(req.settlementId), status: 'REVERSED' }),
    }));
    const cancellation = { setl_id: resident.expect.settlementId, mdtrt_id: 'MDTRT-1', psn_no: '123' };
    const res = await post('/v1/settlements/from-2208', { cancellation });
    expect(res.status).to.equal(201);
    const [submit] = hospital.ledger.submits();
    expect(submit.request).to.deep.include({
      hospital: 'Hospital1MSP',
      settlementId: resident.expect.settlementId,
      reason: `cancelled on the national platform (2208, setl_id ${resident.expect.settlementId})`,
    });
    expect(JSON.stringify(submit.request)).not.to.include('123');
  });
});
