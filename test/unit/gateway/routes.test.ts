import { expect } from 'chai';
import { batchItemResult, EventName, Tx } from '@settlement/chaincode/dist/api';
import type { ErrorCode, Settlement, SubmitSettlementResult } from '@settlement/chaincode/dist/api';
import { ApiError } from '../../../gateway/src/errors';
import { chaincodeFailure } from './fake-ledger';
import {
  actor,
  authorisationBody,
  policyBody,
  productBody,
  settlementBody,
  settlementRecord,
} from './fixtures';
import { jsonOf, problemOf, startGateway, TestGateway } from './harness';

const TX_A = 'a'.repeat(64);

describe('gateway routes', () => {
  let hospital: TestGateway;
  let insurer: TestGateway;
  let regulator: TestGateway;
  beforeEach(async () => {
    hospital = await startGateway('hospital1');
    insurer = await startGateway('insurer1');
    regulator = await startGateway('regulator');
    for (const gw of [hospital, insurer, regulator]) {
      gw.ledger.on(Tx.getParticipant, (req) => {
        if (!/^Insurer[12]MSP$/.test(String(req.mspId))) throw chaincodeFailure('NOT_FOUND');
        return { mspId: req.mspId, kind: 'INSURER', name: String(req.mspId) };
      });
      gw.ledger.on(Tx.settlementEndorsers, (req) => {
        const insurer = req.policyRef === 'P-2' ? 'Insurer2MSP' : 'Insurer1MSP';
        return { organisations: ['Hospital1MSP', insurer], ...('policyRef' in req && { insurer }) };
      });
    }
  });
  afterEach(async () => {
    await Promise.all([hospital.close(), insurer.close(), regulator.close()]);
  });

  describe('idempotent writes', () => {
    it('answers 201 with the new txId when the chaincode wrote, 200 with the recording txId when it did not', async () => {
      let created = true;
      insurer.ledger.on(Tx.publishProduct, (req) => ({
        created,
        record: { ...req, version: 1, insurer: 'Insurer1MSP', recordedBy: actor(TX_A, 'Insurer1MSP') },
      }));
      const first = await insurer.call('/v1/products', { method: 'POST', json: productBody });
      expect(first.status).to.equal(201);
      const firstBody = await jsonOf(first);
      expect(firstBody.txId)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.equal(TX_A);
      created = false;
      const replay = await insurer.call('/v1/products', { method: 'POST', json: productBody });
      expect(replay.status).to.equal(200);
      expect((await jsonOf(replay)).txId).to.equal(TX_A);
      const [call] = insurer.ledger.submits();
      expect(call.request).to.deep.equal({
        ...productBody,
        accumulatorPeriod: 'CALENDAR_YEAR',
        actor: 'user-of-insurer1',
      });
    });

    it('passes the token subject as the actor of every write', async () => {
      insurer.ledger.on(Tx.registerPolicy, (req) => ({
        created: true,
        record: { ...req, recordedBy: actor(TX_A) },
      }));
      await insurer.call('/v1/policies', { method: 'POST', json: policyBody });
      expect(insurer.ledger.submits()[0].request.actor).to.equal('user-of-insurer1');
    });

    it('records a consent with the patient pseudonymised', async () => {
      hospital.ledger.on(Tx.recordAuthorisation, (req) => ({
        created: true,
        record: { ...req, recordedBy: actor(TX_A) },
      }));
      const res = await hospital.call('/v1/authorisations', { method: 'POST', json: authorisationBody });
      expect(res.status).to.equal(201);
      const sent = hospital.ledger.submits()[0].request;
      expect(sent.patientRef).to.match(/^[0-9a-f]{64}$/);
      expect(sent).not.to.have.property('patient');
      expect(sent).to.include({
        authorisationId: 'A-1',
        insurer: 'Insurer1MSP',
        purpose: 'CLAIM_SETTLEMENT',
      });
    });

    it('answers 400 naming the insurer, and submits nothing, when a consent names no registered insurer', async () => {
      for (const insurerMsp of ['Insurer9MSP', 'Hospital2MSP']) {
        if (insurerMsp === 'Hospital2MSP') {
          hospital.ledger.on(Tx.getParticipant, () => ({ mspId: insurerMsp, kind: 'HOSPITAL', name: 'H2' }));
        }
        const res = await hospital.call('/v1/authorisations', {
          method: 'POST',
          json: { ...authorisationBody, insurer: insurerMsp },
        });
        const problem = await problemOf(res);
        expect(res.status).to.equal(400);
        expect(problem.code).to.equal('VALIDATION_FAILED');
        expect(JSON.stringify(problem.errors)).to.contain('body.insurer');
      }
      expect(hospital.ledger.submits()).to.have.length(0);
    });

    it('answers 409 INVALID_STATE, submitting nothing, for a registered insurer not yet on the channel', async () => {
      hospital.ledger.on(Tx.getParticipant, () => ({ mspId: 'Insurer9MSP', kind: 'INSURER', name: 'I9' }));
      const res = await hospital.call('/v1/authorisations', {
        method: 'POST',
        json: { ...authorisationBody, insurer: 'Insurer9MSP' },
      });
      expect(res.status).to.equal(409);
      expect((await problemOf(res)).code).to.equal('INVALID_STATE');
      expect(hospital.ledger.submits()).to.have.length(0);
      // Discovery was asked again first: the insurer might have joined a moment ago.
      expect(hospital.ledger.rediscoveries).to.equal(1);
    });

    it('answers a revocation replay with the revoking txId', async () => {
      const record = {
        ...authorisationBody,
        recordedBy: actor(TX_A),
        revocation: { reason: 'r', by: actor('e'.repeat(64)) },
      };
      hospital.ledger.on(Tx.getAuthorisation, () => record);
      hospital.ledger.on(Tx.revokeAuthorisation, () => ({ created: false, record }));
      const res = await hospital.call('/v1/authorisations/A-1/revoke', {
        method: 'POST',
        json: { reason: 'patient asked' },
      });
      expect(res.status).to.equal(200);
      expect((await jsonOf(res)).txId).to.equal('e'.repeat(64));
      const [submit] = hospital.ledger.submits();
      expect(submit.request).to.include({ authorisationId: 'A-1', reason: 'patient asked' });
      // The stored consent's recorder and insurer endorse its revocation.
      expect(submit.options).to.deep.equal({ endorsingOrgs: ['Hospital1MSP', 'Insurer1MSP'] });
    });

    it('answers 404 to a revocation by neither the recorder nor the insurer, without submitting', async () => {
      const stored = {
        ...authorisationBody,
        insurer: 'Insurer2MSP',
        recordedBy: actor(TX_A, 'Hospital2MSP'),
      };
      hospital.ledger.on(Tx.getAuthorisation, () => stored);
      const res = await hospital.call('/v1/authorisations/A-1/revoke', {
        method: 'POST',
        json: { reason: 'x' },
      });
      expect(res.status).to.equal(404);
      expect(hospital.ledger.submits()).to.have.length(0);
    });
  });

  describe('endorsing organisations of every write', () => {
    const created = (req: Record<string, unknown>) => ({
      created: true,
      record: { ...req, recordedBy: actor(TX_A) },
    });

    it('names the insurer and the regulator for products and policies', async () => {
      insurer.ledger.on(Tx.publishProduct, created).on(Tx.registerPolicy, created);
      await insurer.call('/v1/products', { method: 'POST', json: productBody });
      await insurer.call('/v1/policies', { method: 'POST', json: policyBody });
      expect(insurer.ledger.submits().map((c) => c.options?.endorsingOrgs)).to.deep.equal([
        ['Insurer1MSP', 'RegulatorMSP'],
        ['Insurer1MSP', 'RegulatorMSP'],
      ]);
    });

    it('names the recorder and the insurer of a consent (the regulator when the insurer records)', async () => {
      for (const gw of [hospital, insurer]) gw.ledger.on(Tx.recordAuthorisation, created);
      await hospital.call('/v1/authorisations', {
        method: 'POST',
        json: { ...authorisationBody, insurer: 'Insurer2MSP' },
      });
      await insurer.call('/v1/authorisations', { method: 'POST', json: authorisationBody });
      expect(hospital.ledger.submits()[0].options?.endorsingOrgs).to.deep.equal([
        'Hospital1MSP',
        'Insurer2MSP',
      ]);
      expect(insurer.ledger.submits()[0].options?.endorsingOrgs).to.deep.equal([
        'Insurer1MSP',
        'RegulatorMSP',
      ]);
    });

    it('names the regulator and the registered organisation, if it has a peer, for a registration', async () => {
      regulator.ledger.on(Tx.registerParticipant, created);
      for (const mspId of ['Insurer2MSP', 'Hospital3MSP', 'RegulatorMSP']) {
        const res = await regulator.call('/v1/participants', {
          method: 'POST',
          json: { mspId, kind: mspId === 'RegulatorMSP' ? 'REGULATOR' : 'HOSPITAL', name: 'n' },
        });
        expect(res.status).to.equal(201);
      }
      expect(regulator.ledger.submits().map((c) => c.options?.endorsingOrgs)).to.deep.equal([
        ['Insurer2MSP', 'RegulatorMSP'],
        ['Hospital1MSP', 'RegulatorMSP'],
        ['Hospital1MSP', 'RegulatorMSP'],
      ]);
    });
  });

  describe('settlements', () => {
    const outcome = (result: SubmitSettlementResult) => () => result;

    it('asks who must endorse, then submits with those organisations', async () => {
      hospital.ledger.on(
        Tx.submitSettlement,
        outcome({ outcome: 'RECORDED', settlement: settlementRecord() }),
      );
      const res = await hospital.call('/v1/settlements', { method: 'POST', json: settlementBody });
      expect(res.status).to.equal(201);
      const body = await jsonOf(res);
      expect(body.split.commercialShare).to.equal(1200);
      expect(body.txId).to.match(/^0+1$/);
      const [endorsers, submit] = hospital.ledger.calls;
      // The patient's policy with this reference: the lookup names the patient by its pseudonym.
      expect(endorsers).to.deep.include({
        kind: 'evaluate',
        tx: Tx.settlementEndorsers,
        request: { patientRef: submit.request.patientRef, policyRef: 'P-1' },
      });
      // The submit names the insurer the lookup found; settlements of one policy queue on its accumulator.
      expect(submit.request.insurer).to.equal('Insurer1MSP');
      expect(submit.options).to.deep.equal({
        endorsingOrgs: ['Hospital1MSP', 'Insurer1MSP'],
        serialiseOn: ['policy:P-1'],
      });
    });

    it('answers an existing settlement with 200 and the txId that recorded it', async () => {
      const settlement = settlementRecord({ txId: 'f'.repeat(64) });
      hospital.ledger.on(Tx.submitSettlement, outcome({ outcome: 'EXISTING', settlement }));
      const res = await hospital.call('/v1/settlements', { method: 'POST', json: settlementBody });
      expect(res.status).to.equal(200);
      expect((await jsonOf(res)).txId).to.equal('1'.repeat(64));
    });

    it('answers a duplicate invoice with 409, the alert id, the existing key and the txId that recorded the alert', async () => {
      const alertTx = 'a'.repeat(64);
      hospital.ledger.on(
        Tx.submitSettlement,
        outcome({
          outcome: 'DUPLICATE_INVOICE',
          alert: { alertId: 'ALERT-1', submitter: { txId: alertTx } } as never,
          existing: { hospital: 'Hospital2MSP', settlementId: 'S-9' },
        }),
      );
      const res = await hospital.call('/v1/settlements', { method: 'POST', json: settlementBody });
      expect(res.status).to.equal(409);
      const problem = await problemOf(res);
      expect(problem).to.include({ code: 'DUPLICATE_INVOICE', alertId: 'ALERT-1', txId: alertTx });
      expect(problem.existing).to.deep.equal({ hospital: 'Hospital2MSP', settlementId: 'S-9' });
    });

    it("submits a batch as one transaction per insurer, with that insurer's endorsers, and answers per item", async () => {
      const recorded = settlementRecord();
      hospital.ledger.on(Tx.submitSettlementBatch, (req) => ({
        results: [
          req.insurer === 'Insurer1MSP'
            ? batchItemResult({ outcome: 'RECORDED', settlement: recorded })
            : { outcome: 'REJECTED', error: { code: 'NOT_FOUND', message: 'no policy' } },
        ],
      }));
      const items = [
        settlementBody,
        { ...settlementBody, settlementId: 'S-2', policyRef: 'P-2', invoiceNumber: '440100262600099999' },
      ];
      const res = await hospital.call('/v1/settlements/batch', { method: 'POST', json: { items } });
      expect(res.status).to.equal(200);
      const body = await jsonOf(res);
      expect(body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 404]);
      expect(body.results[1]).to.deep.include({ settlementId: 'S-2' });
      expect(body.results[1].body.code).to.equal('NOT_FOUND');
      const [first, second] = hospital.ledger.submits();
      // The ledger's result leaves out the item; the reply has the whole record, from the item as sent.
      const sent = (first.request.items as object[])[0];
      expect(body.results[0].body).to.deep.equal({ ...recorded, ...sent, txId: body.txId });
      expect([first.request.insurer, second.request.insurer]).to.deep.equal(['Insurer1MSP', 'Insurer2MSP']);
      expect(first.options?.endorsingOrgs).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
      expect(second.options?.endorsingOrgs).to.deep.equal(['Hospital1MSP', 'Insurer2MSP']);
      expect(second.options?.serialiseOn).to.deep.equal(['policy:P-2']);
      expect(body.txIds).to.have.length(2).and.to.include(body.txId);
    });

    it('refuses on its own a batch item whose policy is unknown, and submits the others', async () => {
      const recorded = settlementRecord();
      hospital.ledger
        .on(Tx.settlementEndorsers, (req) => {
          if (req.policyRef === 'P-404') throw chaincodeFailure('VALIDATION_FAILED');
          return { organisations: ['Hospital1MSP', 'Insurer1MSP'], insurer: 'Insurer1MSP' };
        })
        .on(Tx.submitSettlementBatch, (req) => ({
          results: (req.items as unknown[]).map(() =>
            batchItemResult({ outcome: 'RECORDED', settlement: recorded }),
          ),
        }));
      const unknown = {
        ...settlementBody,
        settlementId: 'S-2',
        policyRef: 'P-404',
        invoiceNumber: '440100262600099998',
      };
      const third = { ...settlementBody, settlementId: 'S-3', invoiceNumber: '440100262600099997' };
      const res = await hospital.call('/v1/settlements/batch', {
        method: 'POST',
        json: { items: [settlementBody, unknown, third] },
      });
      expect(res.status).to.equal(200);
      const body = await jsonOf(res);
      expect(body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 400, 201]);
      expect(body.results[1]).to.deep.include({ settlementId: 'S-2' });
      expect(body.results[1].body.code).to.equal('VALIDATION_FAILED');
      const submitted = hospital.ledger.submits()[0].request.items as { settlementId: string }[];
      expect(submitted.map((item) => item.settlementId)).to.deep.equal(['S-1', 'S-3']);
      expect(body.txId).to.be.a('string');
    });

    it('answers a batch whose every policy is unknown item by item, submitting nothing', async () => {
      hospital.ledger.on(Tx.settlementEndorsers, () => {
        throw chaincodeFailure('VALIDATION_FAILED');
      });
      const res = await hospital.call('/v1/settlements/batch', {
        method: 'POST',
        json: { items: [settlementBody] },
      });
      const body = await jsonOf(res);
      expect([res.status, body.txId, body.results[0].status]).to.deep.equal([200, null, 400]);
      expect(hospital.ledger.submits()).to.have.length(0);
    });

    it('pays out with the settlement key, the endorsers and the payout fields', async () => {
      const paid = settlementRecord({ status: 'PAID' });
      insurer.ledger.on(Tx.payoutSettlement, () => ({ created: true, record: paid }));
      const payout = { amount: 1200, paidAt: '2026-01-06T08:00:00Z', paymentReference: 'BANK-1' };
      const res = await insurer.call('/v1/settlements/Hospital1MSP/S-1/payout', {
        method: 'POST',
        json: payout,
      });
      expect(res.status).to.equal(201);
      const [endorsers, submit] = insurer.ledger.calls;
      expect(endorsers.request).to.deep.equal({ hospital: 'Hospital1MSP', settlementId: 'S-1' });
      expect(submit.request).to.deep.equal({
        hospital: 'Hospital1MSP',
        settlementId: 'S-1',
        ...payout,
        actor: 'user-of-insurer1',
      });
    });

    it("answers 404 to a clerk reversing another hospital's settlement without asking the ledger", async () => {
      const res = await hospital.call('/v1/settlements/Hospital2MSP/S-1/reversal', {
        method: 'POST',
        json: { reason: 'x' },
      });
      expect(res.status).to.equal(404);
      expect(hospital.ledger.calls).to.have.length(0);
    });

    it('lists with cursor in and nextCursor out', async () => {
      const bookmark = '\u0000settlement\u0000Hospital1MSP\u0000S-9\u0000';
      hospital.ledger.on(Tx.listSettlements, () => ({ items: [settlementRecord()], bookmark }));
      const first = await jsonOf(await hospital.call('/v1/settlements?status=PAID&limit=5'));
      expect(first.nextCursor).to.match(/^[A-Za-z0-9_-]+$/);
      const next = `/v1/settlements?status=PAID&limit=5&cursor=${first.nextCursor}&from=2026-01-01`;
      expect((await hospital.call(next)).status).to.equal(200);
      expect(hospital.ledger.calls[1].request).to.deep.include({
        status: 'PAID',
        limit: 5,
        bookmark,
        from: '2026-01-01',
      });
    });

    it('answers nextCursor null on the last page', async () => {
      hospital.ledger.on(Tx.listSettlements, () => ({ items: [], bookmark: '' }));
      expect((await jsonOf(await hospital.call('/v1/settlements'))).nextCursor).to.equal(null);
    });

    it('answers 400 VALIDATION_FAILED to a cursor it did not issue, without asking the ledger', async () => {
      for (const cursor of ['abc', 'a+b', 'AA==', '%FF', Buffer.from([0xff, 0xfe]).toString('base64url')]) {
        const res = await hospital.call(`/v1/settlements?cursor=${cursor}`);
        expect(res.status, cursor).to.equal(400);
        expect((await problemOf(res)).code).to.equal('VALIDATION_FAILED');
      }
      expect(hospital.ledger.calls).to.have.length(0);
    });

    it('answers history as items', async () => {
      const entry = {
        txId: TX_A,
        timestamp: '2026-01-01T00:00:00Z',
        mspId: 'Hospital1MSP',
        isDelete: false,
        value: null,
      };
      hospital.ledger.on(Tx.settlementHistory, () => [entry]);
      const res = await hospital.call('/v1/settlements/Hospital1MSP/S-1/history');
      expect(await jsonOf(res)).to.deep.equal({ items: [entry] });
    });
  });

  describe('chaincode errors', () => {
    const cases: [ErrorCode, number][] = [
      ['VALIDATION_FAILED', 400],
      ['FORBIDDEN', 403],
      ['NOT_FOUND', 404],
      ['ID_CONFLICT', 409],
      ['INVALID_STATE', 409],
      ['AMOUNT_MISMATCH', 422],
      ['DUPLICATE_INVOICE', 409],
    ];
    for (const [code, status] of cases) {
      it(`maps ${code} to ${status}`, async () => {
        insurer.ledger.on(Tx.publishProduct, () => {
          throw chaincodeFailure(code, `detail of ${code}`);
        });
        const res = await insurer.call('/v1/products', { method: 'POST', json: productBody });
        expect(res.status).to.equal(status);
        expect(await problemOf(res)).to.include({ code, status, detail: `detail of ${code}` });
      });
    }

    it('answers a read of something invisible as 404, not 403', async () => {
      hospital.ledger.on(Tx.getSettlement, () => {
        throw chaincodeFailure('FORBIDDEN');
      });
      const res = await hospital.call('/v1/settlements/Hospital2MSP/S-1');
      expect(res.status).to.equal(404);
      expect((await problemOf(res)).code).to.equal('NOT_FOUND');
    });

    it('passes on LEDGER_UNAVAILABLE as 503 with Retry-After and COMMIT_TIMEOUT as 504 with the txId', async () => {
      insurer.ledger.on(Tx.publishProduct, () => {
        throw new ApiError(503, 'LEDGER_UNAVAILABLE', 'down');
      });
      const busy = await insurer.call('/v1/products', { method: 'POST', json: productBody });
      expect(busy.status).to.equal(503);
      expect(busy.headers.get('retry-after')).to.equal('1');
      insurer.ledger.on(Tx.publishProduct, () => {
        throw new ApiError(504, 'COMMIT_TIMEOUT', 'unknown', { txId: TX_A });
      });
      const res = await insurer.call('/v1/products', { method: 'POST', json: productBody });
      expect(res.status).to.equal(504);
      expect(await problemOf(res)).to.include({ code: 'COMMIT_TIMEOUT', txId: TX_A });
    });

    it('answers an unexpected failure with a 500 problem that names no internals', async () => {
      insurer.ledger.on(Tx.publishProduct, () => {
        throw new TypeError('secret internals');
      });
      const res = await insurer.call('/v1/products', { method: 'POST', json: productBody });
      expect(res.status).to.equal(500);
      expect(JSON.stringify(await problemOf(res))).not.to.contain('secret internals');
    });
  });

  describe('audit', () => {
    const totals = { count: 0 };
    it('scopes reconciliation to the caller unless it is an auditor', async () => {
      for (const gw of [hospital, insurer, regulator]) gw.ledger.on(Tx.reconciliation, () => totals);
      await hospital.call('/v1/audit/reconciliation?from=2026-01-01');
      expect(hospital.ledger.calls[0].request).to.deep.equal({
        from: '2026-01-01',
        hospital: 'Hospital1MSP',
      });
      await insurer.call('/v1/audit/reconciliation?hospital=Hospital2MSP');
      expect(insurer.ledger.calls[0].request).to.deep.equal({
        hospital: 'Hospital2MSP',
        insurer: 'Insurer1MSP',
      });
      await regulator.call('/v1/audit/reconciliation?insurer=Insurer2MSP');
      expect(regulator.ledger.calls[0].request).to.deep.equal({ insurer: 'Insurer2MSP' });
      const res = await hospital.call('/v1/audit/reconciliation?hospital=Hospital2MSP');
      expect(res.status).to.equal(403);
    });

    it('shows a transaction to auditors, its creator, its endorsers and its parties only', async () => {
      const info = {
        txId: TX_A,
        blockNumber: 12,
        validationCode: 'VALID',
        timestamp: '2026-01-01T00:00:00.000Z',
        creatorMsp: 'Hospital2MSP',
        endorsers: ['Hospital2MSP', 'Insurer1MSP'],
        event: { type: EventName.SettlementRecorded, parties: ['Hospital2MSP'], refs: [] },
        payload: Buffer.from('{}'),
      };
      for (const gw of [hospital, insurer, regulator]) gw.ledger.transactions.set(TX_A, info);
      // A block this gateway did not see committed has no commit time, shown as null.
      const shown = { ...info, committedAt: null, payload: undefined, event: undefined };
      expect(await jsonOf(await regulator.call(`/v1/audit/transactions/${TX_A}`))).to.deep.equal(
        JSON.parse(JSON.stringify(shown)),
      );
      const committedAt = '2026-01-01T00:00:02.000Z';
      regulator.ledger.transactions.set(TX_A, { ...info, committedAt });
      const seen = await jsonOf(await regulator.call(`/v1/audit/transactions/${TX_A}`));
      expect(seen).to.include({ timestamp: info.timestamp, committedAt });
      // The insurer endorsed it without being named among the event's parties.
      expect((await insurer.call(`/v1/audit/transactions/${TX_A}`)).status).to.equal(200);
      expect((await hospital.call(`/v1/audit/transactions/${TX_A}`)).status).to.equal(404);
      hospital.ledger.transactions.set(TX_A, { ...info, creatorMsp: 'Hospital1MSP' });
      expect((await hospital.call(`/v1/audit/transactions/${TX_A}`)).status).to.equal(200);
      expect((await regulator.call(`/v1/audit/transactions/${'0'.repeat(64)}`)).status).to.equal(404);
    });

    it("shows a batch across two insurers to each insurer with only its own part's endorsers", async () => {
      const info = {
        txId: TX_A,
        blockNumber: 12,
        validationCode: 'VALID',
        timestamp: '2026-01-01T00:00:00.000Z',
        creatorMsp: 'Hospital1MSP',
        endorsers: ['Hospital1MSP', 'Insurer1MSP', 'Insurer2MSP'],
        event: {
          type: EventName.SettlementsRecorded,
          parties: ['Hospital1MSP', 'Insurer1MSP', 'Insurer2MSP'],
          refs: [
            { hospital: 'Hospital1MSP', settlementId: 'S-1' },
            { hospital: 'Hospital1MSP', settlementId: 'S-2' },
          ],
          scopes: [
            { parties: ['Hospital1MSP', 'Insurer1MSP'], refs: [0] },
            { parties: ['Hospital1MSP', 'Insurer2MSP'], refs: [1] },
          ],
        },
        payload: Buffer.from('{}'),
      };
      const insurer2 = await startGateway('insurer2');
      try {
        for (const gw of [hospital, insurer, insurer2, regulator]) gw.ledger.transactions.set(TX_A, info);
        const endorsersFor = async (gw: TestGateway) =>
          (await jsonOf(await gw.call(`/v1/audit/transactions/${TX_A}`))).endorsers;
        expect(await endorsersFor(insurer)).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
        expect(await endorsersFor(insurer2)).to.deep.equal(['Hospital1MSP', 'Insurer2MSP']);
        expect(await endorsersFor(hospital)).to.deep.equal(info.endorsers);
        expect(await endorsersFor(regulator)).to.deep.equal(info.endorsers);
      } finally {
        await insurer2.close();
      }
    });

    it('lists alerts for auditors', async () => {
      regulator.ledger.on(Tx.listAlerts, () => ({ items: [{ alertId: 'AL-1' }], bookmark: '' }));
      const res = await regulator.call('/v1/audit/alerts?from=2026-01-01&to=2026-12-31');
      expect(await jsonOf(res)).to.deep.equal({ items: [{ alertId: 'AL-1' }], nextCursor: null });
      expect(regulator.ledger.calls[0].request).to.deep.include({ from: '2026-01-01', to: '2026-12-31' });
    });
  });

  describe('reads', () => {
    it('reads a product version and a policy', async () => {
      hospital.ledger.on(Tx.getProduct, (req) => ({ ...productBody, version: req.version ?? 3 }));
      expect((await jsonOf(await hospital.call('/v1/products/HMB-2026?version=2'))).version).to.equal(2);
      expect(hospital.ledger.calls[0].request).to.deep.equal({ productId: 'HMB-2026', version: 2 });
      insurer.ledger.on(Tx.getPolicy, () => policyBody);
      expect(await jsonOf(await insurer.call('/v1/policies/P-1'))).to.deep.equal(policyBody);
      expect((await hospital.call('/v1/policies/P-1')).status).to.equal(403);
    });

    it('lists products to every role, passing insurer, limit and cursor on, without asking for a bad query', async () => {
      const bookmark = '\u0000product\u0000HMB-2026\u0000';
      const record = { ...productBody, version: 1, insurer: 'Insurer1MSP', recordedBy: actor(TX_A) };
      for (const gw of [hospital, insurer, regulator]) {
        gw.ledger.on(Tx.listProducts, (req) => ({ items: [record], bookmark: req.bookmark ? '' : bookmark }));
        const first = await jsonOf(await gw.call('/v1/products?insurer=Insurer1MSP&limit=1'));
        expect(first).to.deep.equal({
          items: [record],
          nextCursor: Buffer.from(bookmark).toString('base64url'),
        });
        const next = `/v1/products?insurer=Insurer1MSP&limit=1&cursor=${first.nextCursor}`;
        expect((await jsonOf(await gw.call(next))).nextCursor).to.equal(null);
        for (const query of ['limit=101', 'insurer=a%2Fb', 'hospital=Hospital1MSP', 'cursor=%25%25']) {
          expect((await gw.call(`/v1/products?${query}`)).status, query).to.equal(400);
        }
        expect(gw.ledger.calls.map((c) => [c.kind, c.tx, c.request])).to.deep.equal([
          ['evaluate', Tx.listProducts, { insurer: 'Insurer1MSP', limit: 1, bookmark: undefined }],
          ['evaluate', Tx.listProducts, { insurer: 'Insurer1MSP', limit: 1, bookmark }],
        ]);
      }
    });

    it('reads an authorisation and hides one the caller may not see', async () => {
      hospital.ledger.on(Tx.getAuthorisation, (req) => {
        if (req.authorisationId !== 'A-1') throw chaincodeFailure('FORBIDDEN');
        return { ...authorisationBody, recordedBy: actor(TX_A) } as Settlement | object;
      });
      expect((await hospital.call('/v1/authorisations/A-1')).status).to.equal(200);
      expect((await hospital.call('/v1/authorisations/A-2')).status).to.equal(404);
    });

    it('lets the regulator register a participant', async () => {
      regulator.ledger.on(Tx.registerParticipant, (req) => ({
        created: true,
        record: { ...req, recordedBy: actor(TX_A) },
      }));
      const res = await regulator.call('/v1/participants', {
        method: 'POST',
        json: { mspId: 'Hospital3MSP', kind: 'HOSPITAL', name: 'Third People’s Hospital' },
      });
      expect(res.status).to.equal(201);
    });
  });
});
