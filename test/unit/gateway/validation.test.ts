import { expect } from 'chai';
import fc from 'fast-check';
import { Tx } from '@settlement/chaincode/dist/api';
import { chaincodeFailure } from './fake-ledger';
import { problemOf, startGateway, TestGateway } from './harness';
import { authorisationBody, policyBody, productBody, settlementBody } from './fixtures';

describe('gateway input validation', () => {
  let hospital: TestGateway;
  let insurer: TestGateway;
  before(async () => {
    hospital = await startGateway('hospital1');
    const missing = () => {
      throw chaincodeFailure('NOT_FOUND');
    };
    hospital.ledger
      .on(Tx.listSettlements, () => ({ items: [], bookmark: '' }))
      .on(Tx.getSettlement, missing)
      .on(Tx.settlementHistory, missing);
    insurer = await startGateway('insurer1');
  });
  after(async () => {
    await hospital.close();
    await insurer.close();
  });

  async function expectRejected(
    gw: TestGateway,
    path: string,
    json: unknown,
    status = 400,
    fieldPath?: string,
  ) {
    const before = gw.ledger.calls.length;
    const res = await gw.call(path, { method: 'POST', json });
    const problem = await problemOf(res);
    expect(res.status, JSON.stringify(problem)).to.equal(status);
    expect(problem.code).to.equal('VALIDATION_FAILED');
    if (fieldPath) expect(JSON.stringify(problem.errors)).to.contain(fieldPath);
    expect(gw.ledger.calls.length, 'no ledger call').to.equal(before);
  }

  const settlementCases: Record<string, [unknown, string]> = {
    'a fractional amount': [
      { ...settlementBody, costs: { ...settlementBody.costs, innovativeDrug: 0.5 } },
      'body.costs',
    ],
    'a negative amount': [
      { ...settlementBody, costs: { ...settlementBody.costs, outOfCatalogue: -1 } },
      'body.costs',
    ],
    'a total that is not the sum of the parts': [
      { ...settlementBody, costs: { ...settlementBody.costs, total: 1 } },
      'body.costs.total',
    ],
    'an impossible date': [{ ...settlementBody, dischargeDate: '2026-02-30' }, 'body.dischargeDate'],
    'admission after discharge': [{ ...settlementBody, admissionDate: '2026-02-01' }, 'body.dischargeDate'],
    'both patient and patientRef': [{ ...settlementBody, patientRef: 'a'.repeat(64) }, 'body.patient'],
    'neither patient nor patientRef': [{ ...settlementBody, patient: undefined }, 'body.patient'],
    'an unknown field': [{ ...settlementBody, diagnosis: 'secret' }, 'body'],
    'an unknown mode': [{ ...settlementBody, mode: 'BOTH' }, 'body.mode'],
    'a bad id': [{ ...settlementBody, settlementId: '../etc' }, 'body.settlementId'],
    'an amount as a string': [
      { ...settlementBody, costs: { ...settlementBody.costs, total: '10000' } },
      'body.costs',
    ],
    'a patientRef that is not a hash': [
      { ...settlementBody, patient: undefined, patientRef: 'xyz' },
      'body.patientRef',
    ],
  };
  for (const [name, [body, field]] of Object.entries(settlementCases)) {
    it(`rejects a settlement with ${name}`, () =>
      expectRejected(hospital, '/v1/settlements', body, 400, field));
  }

  it('rejects a product naming a category twice', () =>
    expectRejected(insurer, '/v1/products', {
      ...productBody,
      benefits: [...productBody.benefits, ...productBody.benefits],
    }));
  it('rejects a ratio above 100%', () =>
    expectRejected(insurer, '/v1/products', {
      ...productBody,
      benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 10001 }],
    }));
  it('rejects a policy valid to before valid from', () =>
    expectRejected(insurer, '/v1/policies', { ...policyBody, validTo: '2025-01-01' }, 400, 'body.validTo'));
  it('rejects an authorisation for another purpose', () =>
    expectRejected(
      hospital,
      '/v1/authorisations',
      { ...authorisationBody, purpose: 'MARKETING' },
      400,
      'body.purpose',
    ));
  it('rejects an empty batch and one over 100 items', async () => {
    await expectRejected(hospital, '/v1/settlements/batch', { items: [] });
    await expectRejected(hospital, '/v1/settlements/batch', { items: Array(101).fill(settlementBody) });
  });
  it('rejects a payout amount with a fraction', () =>
    expectRejected(insurer, '/v1/settlements/Hospital1MSP/S-1/payout', {
      amount: 1.5,
      paidAt: '2026-01-06T00:00:00Z',
      paymentReference: 'X',
    }));

  it('rejects a reason or a payment reference with invisible or bidirectional characters', async () => {
    const path = '/v1/settlements/Hospital1MSP/S-1';
    await expectRejected(hospital, `${path}/reversal`, { reason: 'wrong \u202etnuoma' }, 400, 'body.reason');
    await expectRejected(hospital, `${path}/reversal`, { reason: '\u200b' }, 400, 'body.reason');
    await expectRejected(
      insurer,
      `${path}/payout`,
      { amount: 1, paidAt: '2026-01-06T00:00:00Z', paymentReference: 'PAY\u20661' },
      400,
      'body.paymentReference',
    );
  });

  it('rejects bad query parameters', async () => {
    for (const query of [
      'limit=0',
      'limit=1000',
      'status=LOST',
      'from=yesterday',
      'cursor=',
      'extra=1',
      'limit=1&limit=2',
    ]) {
      const res = await hospital.call(`/v1/settlements?${query}`);
      expect(res.status, query).to.equal(400);
      expect((await problemOf(res)).code).to.equal('VALIDATION_FAILED');
    }
  });

  it('rejects a bad path parameter', async () => {
    const res = await hospital.call('/v1/audit/transactions/not-a-tx-id');
    expect(res.status).to.equal(400);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await hospital.call('/v1/settlements', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"settlementId": ',
    });
    expect(res.status).to.equal(400);
    expect((await problemOf(res)).code).to.equal('VALIDATION_FAILED');
  });

  it('answers 400 for JSON that is not an object', async () => {
    for (const body of ['"text"', '[1,2]', 'null', '42']) {
      const res = await hospital.call('/v1/settlements', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).to.equal(400);
    }
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await hospital.call('/v1/settlements', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(settlementBody),
    });
    expect(res.status).to.equal(415);
    expect((await problemOf(res)).code).to.equal('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await hospital.call('/v1/settlements', {
      method: 'POST',
      json: { pad: 'x'.repeat(200_000) },
    });
    expect(res.status).to.equal(413);
    expect((await problemOf(res)).code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('answers 401 before reading the body of a caller without a valid token', async () => {
    for (const body of ['{not json', JSON.stringify({ pad: 'x'.repeat(200_000) })]) {
      const res = await hospital.call('/v1/settlements', {
        method: 'POST',
        token: null,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).to.equal(401);
      expect((await problemOf(res)).code).to.equal('UNAUTHENTICATED');
    }
  });

  it('never answers 5xx nor reaches the ledger for arbitrary JSON bodies', async () => {
    const before = hospital.ledger.calls.length;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const res = await hospital.call('/v1/settlements', { method: 'POST', json: value });
        await res.arrayBuffer();
        return res.status === 400;
      }),
      { numRuns: 60 },
    );
    expect(hospital.ledger.calls.length).to.equal(before);
  });

  it('never answers 5xx for arbitrary paths and queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webPath(), fc.webQueryParameters(), async (path, query) => {
        const res = await hospital.call(`/v1/settlements${path}?${query}`);
        await res.arrayBuffer();
        return res.status < 500;
      }),
      { numRuns: 60 },
    );
  });
});
