/**
 * The gateways over HTTP against the real network: every endpoint's success path and error codes, cross-
 * organisation refusals, idempotent replays and concurrent duplicate invoices. Every run uses fresh ids,
 * so it can run again on the same ledger. See harness.ts for how the gateways are reached.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  Answer,
  call,
  committedTransaction,
  ensureGateways,
  OrgId,
  publicKeyPem,
  stopStartedGateways,
  tokenFor,
  urlOf,
} from './harness';
import { GATEWAY_COSTS as costs, invoiceNumberFor } from '../support/fixtures';
import { eventually } from '../support/nodes';
import { everyAlert, expectStatus, id, patient as runPatient } from './run-fixtures';

/** This suite's patients: series 2 of the run's identity numbers. */
const patient = (n: number) => runPatient(n, 2);
/** With the product below and consent: 80% of 1500 plus 100% of 500. */
const COMMERCIAL_SHARE = 1700;

/** Reads `org`'s event stream at `path` until it holds `expected` (or 10 s pass, or 2 s bring nothing). */
async function streamUntil(
  org: OrgId,
  path: string,
  expected: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(`${urlOf(org)}${path}`, {
    headers: { authorization: `Bearer ${tokenFor(org)}`, ...headers },
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  const deadline = Date.now() + 10_000;
  while (!text.includes(expected) && Date.now() < deadline) {
    const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000));
    const chunk = await Promise.race([reader.read(), timeout]);
    if (!chunk || chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  controller.abort();
  return text;
}

/** `invoice` names the invoice; the body carries the 18-digit number it stands for. */
function settlement(settlementId: string, invoice: string, policyRef = id('POL'), n = 1) {
  return {
    settlementId,
    patient: patient(n),
    policyRef,
    invoiceNumber: invoiceNumberFor(invoice),
    admissionDate: '2026-03-01',
    dischargeDate: '2026-03-04',
    mode: 'PARALLEL',
    costs,
  };
}

function expectProblem(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(answer.body.code).to.equal(code);
}

describe('gateways on the network', function () {
  this.timeout(120_000);

  before(async () => {
    await ensureGateways();
  });
  after(() => stopStartedGateways());

  describe('operations', () => {
    it('reports health, metrics and the contract on every gateway', async () => {
      for (const org of ['hospital1', 'hospital2', 'insurer1', 'insurer2', 'regulator'] as OrgId[]) {
        const health = await call(org, 'GET', '/healthz', undefined, null);
        expect(health.body.ledger.reachable).to.equal(true);
        expect(health.body.ledger.blockHeight).to.be.greaterThan(0);
        expect((await call(org, 'GET', '/openapi.json', undefined, null)).body.paths).to.have.property(
          '/v1/settlements',
        );
      }
      const metrics = await fetch(`${urlOf('hospital1')}/metrics`);
      expect(await metrics.text()).to.contain('gateway_ledger_duration_seconds');
    });
  });

  describe('authentication against a real gateway', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const attacks: Record<string, () => string | null> = {
      'no token': () => null,
      'alg none': () => {
        const [, payload] = tokenFor('hospital1').split('.');
        return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      },
      'tampered payload': () => {
        const [header, payload, signature] = tokenFor('hospital1').split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        return `${header}.${b64({ ...claims, sub: 'mallory' })}.${signature}`;
      },
      'wrong key': () =>
        jwt.sign(
          { org: 'Hospital1MSP', role: 'clerk' },
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
          {
            algorithm: 'ES256',
            expiresIn: 600,
            issuer: 'dev-idp.hospital1',
            audience: 'settlement-gateway.hospital1',
            subject: 'mallory',
          },
        ),
      'HS256 forged with the public key': () =>
        jwt.sign({ org: 'Hospital1MSP', role: 'clerk', sub: 'mallory' }, publicKeyPem('hospital1'), {
          algorithm: 'HS256',
          expiresIn: 600,
          issuer: 'dev-idp.hospital1',
          audience: 'settlement-gateway.hospital1',
        }),
      "another organisation's token": () => tokenFor('hospital2'),
    };
    for (const [name, token] of Object.entries(attacks)) {
      it(`answers 401 for ${name}`, async () => {
        expectProblem(
          await call('hospital1', 'GET', '/v1/participants', undefined, token()),
          401,
          'UNAUTHENTICATED',
        );
      });
    }

    it('answers 401 for a token expired beyond the clock tolerance', async () => {
      // exp 10 s before iat: expired longer ago than the 5 s the gateway tolerates.
      const expired = tokenFor('hospital1', { ttlSeconds: -10 });
      expectProblem(
        await call('hospital1', 'GET', '/v1/participants', undefined, expired),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('answers 401 for a role the organisation does not have', async () => {
      const auditorAtHospital = tokenFor('hospital1', { role: 'auditor' });
      expectProblem(
        await call('hospital1', 'GET', '/v1/audit/alerts', undefined, auditorAtHospital),
        401,
        'UNAUTHENTICATED',
      );
    });
  });

  describe('a settlement from consent to payout', () => {
    const product = {
      productId: id('PROD'),
      name: 'Integration Hui Min Bao',
      annualCap: 100_000_000,
      benefits: [
        { category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 8000 },
        { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 10000 },
      ],
    };
    const policy = {
      policyRef: id('POL'),
      productId: product.productId,
      patient: patient(1),
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    };
    const authorisation = {
      authorisationId: id('AUTH'),
      patient: patient(1),
      insurer: 'Insurer1MSP',
      purpose: 'CLAIM_SETTLEMENT',
      validFrom: '2026-01-01',
      validTo: '2030-12-31',
      evidenceHash: 'e'.repeat(64),
    };
    let recorded: Answer;

    it('lists the registered participants to every role', async () => {
      const answer = await call('insurer2', 'GET', '/v1/participants');
      expectStatus(answer, 200);
      const ids = answer.body.items.map((p: { mspId: string }) => p.mspId);
      expect(ids).to.include.members([
        'Hospital1MSP',
        'Hospital2MSP',
        'Insurer1MSP',
        'Insurer2MSP',
        'RegulatorMSP',
      ]);
    });

    it('publishes a product once, idempotently, and shows it to everyone', async () => {
      const first = await call('insurer1', 'POST', '/v1/products', product);
      expectStatus(first, 201);
      expect(first.body).to.include({ productId: product.productId, version: 1, insurer: 'Insurer1MSP' });
      expect(first.body.txId).to.match(/^[0-9a-f]{64}$/);
      const replay = await call('insurer1', 'POST', '/v1/products', product);
      expectStatus(replay, 200);
      expect(replay.body.txId).to.equal(first.body.txId);
      const read = await call('hospital2', 'GET', `/v1/products/${product.productId}`);
      expect(read.body).to.include({ version: 1, insurer: 'Insurer1MSP' });
      expectProblem(await call('hospital1', 'GET', `/v1/products/${id('NOPE')}`), 404, 'NOT_FOUND');
      expectProblem(await call('hospital1', 'POST', '/v1/products', product), 403, 'FORBIDDEN');
      // The gateway names the insurer and the regulator as endorsers (OutOf(2) plus the key-level policy).
      const tx = await committedTransaction('regulator', first.body.txId);
      expect(tx.body.endorsers).to.deep.equal(['Insurer1MSP', 'RegulatorMSP']);
      // The regulator's gateway saw the block committed, after the insurer's gateway stamped the proposal.
      const lag = Date.parse(tx.body.committedAt) - Date.parse(tx.body.timestamp);
      expect(lag, `${tx.body.timestamp} → ${tx.body.committedAt}`).to.be.within(0, 60_000);
      expectProblem(
        await call('regulator', 'GET', `/v1/audit/transactions/${'0'.repeat(64)}`),
        404,
        'NOT_FOUND',
      );
    });

    it('versions a product on other content, keeps every version readable, and refuses another insurer', async () => {
      const productId = id('PRODV');
      const v1 = { ...product, productId };
      expectStatus(await call('insurer1', 'POST', '/v1/products', v1), 201);
      const v2 = await call('insurer1', 'POST', '/v1/products', { ...v1, name: 'Integration v2' });
      expectStatus(v2, 201);
      expect(v2.body).to.include({ version: 2, name: 'Integration v2' });
      expect((await call('hospital1', 'GET', `/v1/products/${productId}`)).body.version).to.equal(2);
      const first = await call('hospital1', 'GET', `/v1/products/${productId}?version=1`);
      expect(first.body).to.include({ version: 1, name: product.name });
      expectProblem(await call('insurer2', 'POST', '/v1/products', v1), 409, 'ID_CONFLICT');
      const foreignPolicy = { ...policy, policyRef: id('POLF'), productId };
      expectProblem(await call('insurer2', 'POST', '/v1/policies', foreignPolicy), 403, 'FORBIDDEN');
    });

    it("lists every product's latest version to every role, in productId order, by insurer and in pages", async () => {
      // Earlier runs' products share the ledger: this run's are looked for on every page of Insurer1's.
      for (const org of ['hospital2', 'insurer2', 'regulator'] as const) {
        const items: { productId: string; version: number; insurer: string }[] = [];
        let cursor: string | null = null;
        do {
          const page = await call(
            org,
            'GET',
            `/v1/products?insurer=Insurer1MSP&limit=100${cursor === null ? '' : `&cursor=${cursor}`}`,
          );
          expectStatus(page, 200);
          items.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor !== null);
        const productIds = items.map((p) => p.productId);
        expect(productIds, org).to.deep.equal([...productIds].sort());
        expect(new Set(items.map((p) => p.insurer)), org).to.deep.equal(new Set(['Insurer1MSP']));
        const ours = items
          .filter((p) => [product.productId, id('PRODV')].includes(p.productId))
          .map((p) => [p.productId, p.version]);
        expect(ours, org).to.deep.equal([
          [product.productId, 1],
          [id('PRODV'), 2],
        ]);
      }
      const first = await call('hospital1', 'GET', '/v1/products?limit=1');
      expectStatus(first, 200);
      expect(first.body.items).to.have.length(1);
      expect(first.body.nextCursor).to.match(/^[A-Za-z0-9_-]+$/);
      const second = await call('hospital1', 'GET', `/v1/products?limit=1&cursor=${first.body.nextCursor}`);
      expectStatus(second, 200);
      expect(second.body.items[0].productId > first.body.items[0].productId).to.equal(true);
      expectProblem(await call('hospital1', 'GET', '/v1/products?limit=101'), 400, 'VALIDATION_FAILED');
    });

    it('registers a policy with a pseudonymised patient, idempotently, and refuses other content under its id', async () => {
      const first = await call('insurer1', 'POST', '/v1/policies', policy);
      expectStatus(first, 201);
      expect(first.body.patientRef).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(first.body)).not.to.contain(policy.patient.idNumber);
      expectStatus(await call('insurer1', 'POST', '/v1/policies', policy), 200);
      const conflict = await call('insurer1', 'POST', '/v1/policies', { ...policy, validTo: '2026-06-30' });
      expectProblem(conflict, 409, 'ID_CONFLICT');
    });

    it('shows a policy to its insurer and auditors only; auditors name the insurer', async () => {
      const path = `/v1/policies/${policy.policyRef}`;
      expectStatus(await call('insurer1', 'GET', path), 200);
      expectStatus(await call('regulator', 'GET', `${path}?insurer=Insurer1MSP`), 200);
      expectProblem(await call('regulator', 'GET', path), 400, 'VALIDATION_FAILED');
      expectProblem(await call('insurer2', 'GET', path), 404, 'NOT_FOUND');
      expectProblem(await call('insurer2', 'GET', `${path}?insurer=Insurer1MSP`), 404, 'NOT_FOUND');
      expectProblem(await call('hospital1', 'GET', path), 403, 'FORBIDDEN');
    });

    it("gives another organisation's ids away neither by a conflict nor by a read nor by a settlement's refusal", async () => {
      // Insurer2 registers the reference Insurer1 uses: its own policy, no 409, and each insurer reads its own.
      await call('insurer2', 'POST', '/v1/products', { ...product, productId: id('PROD-I2') });
      const mine = { ...policy, productId: id('PROD-I2'), patient: patient(7) };
      expectStatus(await call('insurer2', 'POST', '/v1/policies', mine), 201);
      const path = `/v1/policies/${policy.policyRef}`;
      expect((await call('insurer1', 'GET', path)).body.productId).to.equal(policy.productId);
      expect((await call('insurer2', 'GET', path)).body.productId).to.equal(id('PROD-I2'));
      // Hospital2 reuses Hospital1's consent id: its own record.
      const consent = { ...authorisation, insurer: 'Insurer2MSP', patient: patient(7) };
      expectStatus(await call('hospital2', 'POST', '/v1/authorisations', consent), 201);
      // A settlement naming another patient's policy gets the answer a policy that does not exist gets.
      const refusals = [];
      for (const policyRef of [policy.policyRef, id('NO-SUCH-POLICY')]) {
        const body = { ...settlement(id(`S-ORACLE-${policyRef}`), id(`INV-${policyRef}`)), policyRef };
        const answer = await call('hospital1', 'POST', '/v1/settlements', { ...body, patient: patient(8) });
        refusals.push({ status: answer.status, code: answer.body.code, detail: answer.body.detail });
      }
      expect(refusals[0].status).to.equal(400);
      expect(refusals[0].detail.replace(policy.policyRef, 'X')).to.equal(
        refusals[1].detail.replace(id('NO-SUCH-POLICY'), 'X'),
      );
      expect(refusals[0].code).to.equal(refusals[1].code);
    });

    it('records a consent and shows it to its recorder, its insurer and auditors only', async () => {
      expectStatus(await call('hospital1', 'POST', '/v1/authorisations', authorisation), 201);
      expectStatus(await call('hospital1', 'POST', '/v1/authorisations', authorisation), 200);
      // The id is Hospital1's own: its insurer and auditors name the recorder.
      const path = `/v1/authorisations/${authorisation.authorisationId}`;
      const named = `${path}?recordedBy=Hospital1MSP`;
      expectStatus(await call('hospital1', 'GET', path), 200);
      for (const org of ['hospital1', 'insurer1', 'regulator'] as OrgId[])
        expectStatus(await call(org, 'GET', named), 200);
      for (const org of ['hospital2', 'insurer2'] as OrgId[])
        expectProblem(await call(org, 'GET', named), 404, 'NOT_FOUND');
    });

    it('answers 400 to a consent naming an organisation that is no registered insurer, recording nothing', async () => {
      for (const insurer of ['Insurer9MSP', 'Hospital2MSP']) {
        const body = { ...authorisation, authorisationId: id('A-NOINSURER'), insurer };
        const answer = await call('hospital1', 'POST', '/v1/authorisations', body);
        expectProblem(answer, 400, 'VALIDATION_FAILED');
      }
      expectProblem(
        await call('hospital1', 'GET', `/v1/authorisations/${id('A-NOINSURER')}`),
        404,
        'NOT_FOUND',
      );
    });

    it('answers 409 to a consent naming an insurer registered ahead of joining the channel', async () => {
      const mspId = `Joining${id('I').replace(/\W/g, '')}MSP`;
      const registered = await call('regulator', 'POST', '/v1/participants', {
        mspId,
        kind: 'INSURER',
        name: 'An insurer not yet on the channel',
      });
      expectStatus(registered, 201);
      const body = { ...authorisation, authorisationId: id('A-JOINING'), insurer: mspId };
      expectProblem(await call('hospital1', 'POST', '/v1/authorisations', body), 409, 'INVALID_STATE');
      // Its collections do not exist yet: a period's totals leave it out rather than fail.
      const totals = await call('regulator', 'GET', '/v1/audit/reconciliation?from=2026-01-01&to=2026-01-31');
      expectStatus(totals, 200);
    });

    it("revokes a consent with its owners' endorsement; others get 404", async () => {
      const own = { ...authorisation, authorisationId: id('AUTH2'), patient: patient(2) };
      const recordedByInsurer = await call('insurer1', 'POST', '/v1/authorisations', own);
      expectStatus(recordedByInsurer, 201);
      const path = `/v1/authorisations/${own.authorisationId}/revoke`;
      expectProblem(await call('hospital1', 'POST', path, { reason: 'not mine' }), 404, 'NOT_FOUND');
      const revoked = await call('insurer1', 'POST', path, { reason: 'patient withdrew consent' });
      expectStatus(revoked, 201);
      expectStatus(await call('insurer1', 'POST', path, { reason: 'patient withdrew consent' }), 200);
      const tx = await committedTransaction('regulator', revoked.body.txId);
      expect(tx.body.endorsers).to.deep.equal(['Insurer1MSP', 'RegulatorMSP']);
    });

    it('records a settlement with the split computed on both peers', async () => {
      recorded = await call('hospital1', 'POST', '/v1/settlements', settlement(id('S1'), id('INV1')));
      expectStatus(recorded, 201);
      expect(recorded.body).to.include({
        hospital: 'Hospital1MSP',
        insurer: 'Insurer1MSP',
        status: 'AWAITING_PAYOUT',
      });
      expect(recorded.body.split).to.include({
        fundShare: 6000,
        commercialShare: COMMERCIAL_SHARE,
        patientShare: 2300,
      });
      expect(recorded.body.invoiceHash).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(recorded.body)).not.to.contain(invoiceNumberFor(id('INV1')));
    });

    it('answers a replayed settlement with 200 and the recording txId', async () => {
      const replay = await call('hospital1', 'POST', '/v1/settlements', settlement(id('S1'), id('INV1')));
      expectStatus(replay, 200);
      expect(replay.body.txId).to.equal(recorded.body.txId);
    });

    it('shows the settlement to its hospital, its insurer and auditors, and hides it from the others', async () => {
      const path = `/v1/settlements/Hospital1MSP/${id('S1')}`;
      for (const org of ['hospital1', 'insurer1', 'regulator'] as OrgId[]) {
        expect((await call(org, 'GET', path)).body.settlementId).to.equal(id('S1'));
      }
      for (const org of ['hospital2', 'insurer2'] as OrgId[]) {
        expectProblem(await call(org, 'GET', path), 404, 'NOT_FOUND');
        expectProblem(await call(org, 'GET', `${path}/history`), 404, 'NOT_FOUND');
      }
    });

    it('records who endorsed the settlement, read from the ledger', async () => {
      const path = `/v1/audit/transactions/${recorded.body.txId}`;
      const tx = await committedTransaction('regulator', recorded.body.txId);
      expectStatus(tx, 200);
      expect(tx.body).to.include({ validationCode: 'VALID', creatorMsp: 'Hospital1MSP' });
      expect(tx.body.endorsers).to.include.members(['Hospital1MSP', 'Insurer1MSP']);
      expect(tx.body.blockNumber).to.be.a('number');
      expectStatus(await call('insurer1', 'GET', path), 200);
      expectProblem(await call('insurer2', 'GET', path), 404, 'NOT_FOUND');
    });

    it('refuses payouts by another insurer or of the wrong amount, then pays once', async () => {
      const path = `/v1/settlements/Hospital1MSP/${id('S1')}/payout`;
      const payout = {
        amount: COMMERCIAL_SHARE,
        paidAt: '2026-03-05T08:00:00Z',
        paymentReference: id('PAY'),
      };
      expectProblem(await call('insurer2', 'POST', path, payout), 404, 'NOT_FOUND');
      expectProblem(
        await call('insurer1', 'POST', path, { ...payout, amount: COMMERCIAL_SHARE - 1 }),
        422,
        'AMOUNT_MISMATCH',
      );
      const paid = await call('insurer1', 'POST', path, payout);
      expectStatus(paid, 201);
      expect(paid.body.status).to.equal('PAID');
      const replay = await call('insurer1', 'POST', path, payout);
      expectStatus(replay, 200);
      expect(replay.body.txId).to.equal(paid.body.txId);
      const reversal = { reason: 'refund' };
      expectProblem(
        await call('hospital1', 'POST', `/v1/settlements/Hospital1MSP/${id('S1')}/reversal`, reversal),
        409,
        'INVALID_STATE',
      );
      const history = await call('regulator', 'GET', `/v1/settlements/Hospital1MSP/${id('S1')}/history`);
      expect(history.body.items.map((v: { mspId: string }) => v.mspId)).to.deep.equal([
        'Hospital1MSP',
        'Insurer1MSP',
      ]);
    });

    it('disputes and reverses another settlement; other hospitals cannot reverse it', async () => {
      expectStatus(await call('hospital1', 'POST', '/v1/settlements', settlement(id('S2'), id('INV2'))), 201);
      const base = `/v1/settlements/Hospital1MSP/${id('S2')}`;
      // The hospital's gateway answered once its own peer committed; the insurer's peer commits the same block
      // moments later, and a dispute endorsed before that finds no settlement (a CI run once failed here).
      await eventually(
        "the insurer's peer to have the settlement",
        async () => (await call('insurer1', 'GET', base)).status === 200,
      );
      const dispute = { reason: 'invoice unreadable' };
      const disputed = await call('insurer1', 'POST', `${base}/dispute`, dispute);
      expectStatus(disputed, 201);
      const again = await call('insurer1', 'POST', `${base}/dispute`, dispute);
      expectStatus(again, 200);
      expect(again.body.txId).to.equal(disputed.body.txId);
      expectProblem(await call('insurer2', 'POST', `${base}/dispute`, dispute), 404, 'NOT_FOUND');
      expectProblem(await call('hospital2', 'POST', `${base}/reversal`, { reason: 'x' }), 404, 'NOT_FOUND');
      const reversed = await call('hospital1', 'POST', `${base}/reversal`, { reason: 'billing error' });
      expectStatus(reversed, 201);
      expect(reversed.body.status).to.equal('REVERSED');
      expectProblem(
        await call('insurer1', 'POST', `${base}/payout`, {
          amount: COMMERCIAL_SHARE,
          paidAt: '2026-03-05T08:00:00Z',
          paymentReference: 'late',
        }),
        409,
        'INVALID_STATE',
      );
    });

    it('answers the same settlement id with other content with 409 ID_CONFLICT, writing nothing', async () => {
      const before = (await call('regulator', 'GET', `/v1/settlements/Hospital1MSP/${id('S1')}`)).body;
      const changed = { ...settlement(id('S1'), id('INV1')), admissionDate: '2026-02-28' };
      expectProblem(await call('hospital1', 'POST', '/v1/settlements', changed), 409, 'ID_CONFLICT');
      const after = (await call('regulator', 'GET', `/v1/settlements/Hospital1MSP/${id('S1')}`)).body;
      expect(after).to.deep.equal(before);
    });

    it('answers a reused invoice with 409 DUPLICATE_INVOICE and an alert the regulator sees', async () => {
      const duplicate = await call('hospital1', 'POST', '/v1/settlements', settlement(id('S3'), id('INV1')));
      expectProblem(duplicate, 409, 'DUPLICATE_INVOICE');
      expect(duplicate.body.alertId).to.be.a('string');
      expect(duplicate.body.existing).to.deep.equal({ hospital: 'Hospital1MSP', settlementId: id('S1') });
      // The alert committed on the hospital's peer; the regulator's may be a block behind.
      await eventually("the regulator's peer to hold the alert", async () =>
        (await everyAlert('regulator', '/v1/audit/alerts')).some((a) => a.alertId === duplicate.body.alertId),
      );
      expectProblem(await call('hospital1', 'GET', '/v1/audit/alerts'), 403, 'FORBIDDEN');
    });

    it('takes one e-invoice once, however it is respelt, at either hospital', async () => {
      const digits = invoiceNumberFor(id('INV-RESPELT'));
      const [code, number] = [digits.slice(0, 8), digits.slice(8)];
      const fullWidth = digits.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const body = (settlementId: string, invoice: object) => {
        const { invoiceNumber, ...rest } = settlement(settlementId, id('INV-RESPELT'));
        return { ...rest, ...invoice };
      };
      expectStatus(
        await call('hospital1', 'POST', '/v1/settlements', body(id('R0'), { invoiceNumber: digits })),
        201,
      );
      const duplicates: [OrgId, object][] = [
        ['hospital1', { invoiceNumber: fullWidth }],
        ['hospital2', { invoiceNumber: `${code} ${number}` }],
        ['hospital2', { invoiceNumber: `\u3000${digits}\u00a0` }],
        ['hospital1', { invoice: { code, number } }],
        ['hospital2', { invoice: { code: ` ${code}`, number, checkCode: 'ab12cd' } }],
      ];
      const refused: [OrgId, object][] = [
        ['hospital1', { invoiceNumber: `${digits}\u0000` }],
        ['hospital2', { invoiceNumber: `${code}\u200b${number}` }],
        ['hospital1', { invoiceNumber: `0${digits}` }],
        ['hospital2', { invoiceNumber: `${code}-${number}` }],
      ];
      let n = 0;
      for (const [org, invoice] of duplicates) {
        n += 1;
        const answer = await call(org, 'POST', '/v1/settlements', body(id(`R${n}`), invoice));
        expectProblem(answer, 409, 'DUPLICATE_INVOICE');
        expect(answer.body.existing).to.deep.equal({ hospital: 'Hospital1MSP', settlementId: id('R0') });
      }
      for (const [org, invoice] of refused) {
        n += 1;
        expectProblem(
          await call(org, 'POST', '/v1/settlements', body(id(`R${n}`), invoice)),
          400,
          'VALIDATION_FAILED',
        );
      }
      // Exactly one settlement holds the invoice; no respelling left a record behind.
      for (let k = 1; k <= n; k += 1) {
        for (const hospital of ['Hospital1MSP', 'Hospital2MSP']) {
          const answer = await call('regulator', 'GET', `/v1/settlements/${hospital}/${id(`R${k}`)}`);
          expectProblem(answer, 404, 'NOT_FOUND');
        }
      }
      expectStatus(await call('regulator', 'GET', `/v1/settlements/Hospital1MSP/${id('R0')}`), 200);
    });

    it('lists and reconciles only what the caller may see', async () => {
      // Page after page: a ledger kept across runs holds many more of hospital1's settlements than one page reads.
      const mine: string[] = [];
      for (let cursor = ''; cursor !== null && !mine.includes(id('S1'));) {
        const page = await call(
          'hospital1',
          'GET',
          `/v1/settlements?limit=100&from=2026-03-01&to=2026-03-31${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expectStatus(page, 200);
        mine.push(...page.body.items.map((s: { settlementId: string }) => s.settlementId));
        cursor = page.body.nextCursor;
      }
      expect(mine).to.include(id('S1'));
      const theirs = await call(
        'hospital2',
        'GET',
        '/v1/settlements?limit=100&from=2026-03-01&to=2026-03-31',
      );
      expectStatus(theirs, 200);
      expect(theirs.body.items.every((s: { hospital: string }) => s.hospital === 'Hospital2MSP')).to.equal(
        true,
      );
      const firstPage = await call('hospital1', 'GET', '/v1/settlements?limit=1');
      expectStatus(firstPage, 200);
      expect(firstPage.body.nextCursor).to.match(/^[A-Za-z0-9_-]+$/);
      const nextPage = await call(
        'hospital1',
        'GET',
        `/v1/settlements?limit=1&cursor=${firstPage.body.nextCursor}`,
      );
      expectStatus(nextPage, 200);
      expect(nextPage.body.items).not.to.deep.equal(firstPage.body.items);
      expectProblem(
        await call('hospital1', 'GET', '/v1/settlements?cursor=bm90LWEtYm9va21hcms'),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await call('hospital1', 'GET', '/v1/settlements?cursor=%25%25'),
        400,
        'VALIDATION_FAILED',
      );
      const audit = await call('regulator', 'GET', '/v1/audit/reconciliation?hospital=Hospital1MSP');
      expectStatus(audit, 200);
      expect(audit.body.count).to.be.greaterThan(0);
      expect(audit.body.byStatus).to.have.property('PAID');
      expectProblem(
        await call('hospital2', 'GET', '/v1/audit/reconciliation?hospital=Hospital1MSP'),
        403,
        'FORBIDDEN',
      );
      // Without filters a hospital's totals cover its own settlements only.
      const own = await call('hospital1', 'GET', '/v1/audit/reconciliation');
      expectStatus(own, 200);
      expect(own.body.count).to.be.within(1, audit.body.count);
    });

    it('records a batch with one outcome per item', async () => {
      const items = [settlement(id('B1'), id('INVB1')), settlement(id('B2'), id('INV1'))];
      const batch = await call('hospital1', 'POST', '/v1/settlements/batch', { items });
      expectStatus(batch, 200);
      expect(batch.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 409]);
      expect(batch.body.results[1].body.code).to.equal('DUPLICATE_INVOICE');
    });

    it('refuses only the batch item whose policy is unknown', async () => {
      const items = [
        settlement(id('B3'), id('INVB3')),
        settlement(id('B4'), id('INVB4'), id('NO-SUCH-POLICY')),
        settlement(id('B5'), id('INVB5')),
      ];
      const batch = await call('hospital1', 'POST', '/v1/settlements/batch', { items });
      expectStatus(batch, 200);
      expect(batch.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 400, 201]);
      expect(batch.body.results[1].body.code).to.equal('VALIDATION_FAILED');
      expectProblem(
        await call('hospital1', 'GET', `/v1/settlements/Hospital1MSP/${id('B4')}`),
        404,
        'NOT_FOUND',
      );
    });

    it('streams the events each organisation may see', async () => {
      const seen = (org: OrgId, lastEventId?: string) =>
        streamUntil(org, '/v1/events?since=0', id('S2'), lastEventId ? { 'last-event-id': lastEventId } : {});
      const regulator = await seen('regulator');
      expect(regulator).to.contain(id('S1')).and.to.contain('event: SettlementRecorded');
      expect(await seen('insurer1')).to.contain(id('S1'));
      expect(await seen('insurer2')).not.to.contain(id('S1'));
      // Resuming after the event that recorded S1 (Last-Event-ID wins over ?since) gives what followed it, once.
      const ids = (text: string) => [...text.matchAll(/^id: (\S+)\n(?:.*\n)*?data: (.*)$/gm)];
      const events = ids(regulator);
      const s1 = events.findIndex(([, , data]) => data.includes(id('S1')));
      const resumed = ids(await seen('regulator', events[s1][1]));
      expect(resumed[0][1]).to.equal(events[s1 + 1][1]);
      expect(resumed.map(([, eventId]) => eventId)).to.not.include(events[s1][1]);
    });
  });

  describe('a batch across two insurers', () => {
    it("shows each insurer its own settlement, never the other's, on its event stream and transaction view", async () => {
      const product2 = {
        productId: id('PROD2'),
        name: 'Integration employer cover',
        annualCap: 100_000_000,
        benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 5000 }],
      };
      expectStatus(await call('insurer2', 'POST', '/v1/products', product2), 201);
      const policy2 = {
        policyRef: id('POL2'),
        productId: product2.productId,
        patient: patient(1),
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      };
      expectStatus(await call('insurer2', 'POST', '/v1/policies', policy2), 201);
      const items = [
        settlement(id('MIX1'), id('INV-MIX1')),
        settlement(id('MIX2'), id('INV-MIX2'), id('POL2')),
      ];
      const batch = await call('hospital1', 'POST', '/v1/settlements/batch', { items });
      expectStatus(batch, 200);
      expect(batch.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 201]);
      // One transaction per insurer, each endorsed by the hospital and that insurer alone.
      const { txIds } = batch.body as { txIds: string[] };
      expect(txIds).to.have.length(2);
      const view = (org: OrgId, txId: string) => call(org, 'GET', `/v1/audit/transactions/${txId}`);
      // The hospital's gateway answered once its own peer committed; the regulator's commits moments later.
      await eventually("the regulator's peer to have both transactions", async () =>
        (await Promise.all(txIds.map((txId) => view('regulator', txId)))).every((v) => v.status === 200),
      );
      const views = await Promise.all(txIds.map((txId) => view('regulator', txId)));
      expect(views.map((v) => [...v.body.endorsers].sort())).to.deep.equal([
        ['Hospital1MSP', 'Insurer1MSP'],
        ['Hospital1MSP', 'Insurer2MSP'],
      ]);
      expect((await view('insurer1', txIds[1])).status).to.equal(404);
      expect((await view('insurer2', txIds[0])).status).to.equal(404);
      const since = Math.min(...views.map((v) => v.body.blockNumber as number));

      const stream = (org: OrgId, expected: string) =>
        streamUntil(org, `/v1/events?since=${since}`, expected);
      const second = await stream('insurer2', id('MIX2'));
      expect(second).to.contain(id('MIX2')).and.not.to.contain(id('MIX1')).and.not.to.contain('Insurer1MSP');
      const first = await stream('insurer1', id('MIX1'));
      expect(first).to.contain(id('MIX1')).and.not.to.contain(id('MIX2')).and.not.to.contain('Insurer2MSP');
      expect(await stream('hospital1', id('MIX2')))
        .to.contain(id('MIX1'))
        .and.to.contain(id('MIX2'));
    });
  });

  describe('two hospitals submitting the same invoice at the same time', () => {
    it('ends with exactly one settlement and one alert', async () => {
      const policy = {
        policyRef: id('POLX'),
        productId: id('PROD'),
        patient: patient(2),
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      };
      expectStatus(await call('insurer1', 'POST', '/v1/policies', policy), 201);
      const invoice = id('INVX');
      const answers = await Promise.all(
        (['hospital1', 'hospital2'] as OrgId[]).map((org) =>
          call(org, 'POST', '/v1/settlements', settlement(id(`X-${org}`), invoice, policy.policyRef, 2)),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, JSON.stringify(answers.map((a) => a.body))).to.deep.equal([201, 409]);
      const loser = answers.find((a) => a.status === 409) as Answer;
      expect(loser.body.code).to.equal('DUPLICATE_INVOICE');
      const winner = answers.find((a) => a.status === 201) as Answer;
      const ours = async () =>
        (await everyAlert('regulator', '/v1/audit/alerts')).filter(
          (a) => a.invoiceHash === winner.body.invoiceHash,
        );
      await eventually("the regulator's peer to hold the alert", async () => (await ours()).length > 0);
      expect(await ours()).to.have.length(1);
      // Each hospital's own key: the winner's settlement exists, the loser's does not (whatever the ledger held).
      const lookups = await Promise.all(
        ['Hospital1MSP', 'Hospital2MSP'].map((msp, i) =>
          call('regulator', 'GET', `/v1/settlements/${msp}/${id(`X-hospital${i + 1}`)}`),
        ),
      );
      expect(lookups.map((a) => a.status).sort()).to.deep.equal([200, 404]);
      expect(lookups.find((a) => a.status === 200)?.body.invoiceHash).to.equal(winner.body.invoiceHash);
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON, a wrong content type and a huge body with 4xx codes', async () => {
      const post = (headers: Record<string, string>, body: string) =>
        fetch(`${urlOf('hospital1')}/v1/settlements`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokenFor('hospital1')}`, ...headers },
          body,
        });
      const json = { 'content-type': 'application/json' };
      const answers = [
        await post(json, '{"settlementId":'),
        await post({ 'content-type': 'text/plain' }, '{}'),
        await post(json, JSON.stringify({ pad: 'x'.repeat(300_000) })),
      ];
      expect(answers.map((a) => a.status)).to.deep.equal([400, 415, 413]);
      for (const answer of answers)
        expect(((await answer.json()) as { code?: unknown }).code).to.be.a('string');
    });

    it('answers 4xx with a code and writes nothing', async () => {
      const bad = [
        { ...settlement(id('BAD1'), id('INVBAD')), costs: { ...costs, total: 1 } },
        { ...settlement(id('BAD2'), id('INVBAD')), policyRef: id('NO-SUCH-POLICY') },
        { ...settlement(id('BAD3'), id('INVBAD')), dischargeDate: '2026-13-01' },
      ];
      for (const body of bad) {
        const answer = await call('hospital1', 'POST', '/v1/settlements', body);
        expect(answer.status, JSON.stringify(answer.body)).to.be.within(400, 499);
        expect(answer.body.code).to.be.a('string');
      }
      for (const settlementId of [id('BAD1'), id('BAD2'), id('BAD3')]) {
        expectProblem(
          await call('hospital1', 'GET', `/v1/settlements/Hospital1MSP/${settlementId}`),
          404,
          'NOT_FOUND',
        );
      }
    });
  });
});
