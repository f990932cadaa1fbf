/**
 * A consortium that grows and shrinks while it runs: hospital3 and insurer3 join (network/org.sh add), settle,
 * keep their records to themselves, and hospital3 leaves again (network/org.sh remove). Runs on its own network
 * instance (scripts/test.sh makes a fresh one), since it changes the channel's membership for good.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Tx } from '../../chaincode/src/api';
import { RUN_DIR } from '../../network/profiles/topology';
import { Answer, call, ensureGateways, stopStartedGateways } from '../integration/gateway/harness';
import { connect, failure, submit } from '../integration/support/fabric';
import { GATEWAY_COSTS, invoiceNumberFor, uniqueId } from '../integration/support/fixtures';

const run = promisify(execFile);
const ORG_SCRIPT = resolve(__dirname, '../../network/org.sh');

async function org(...args: string[]): Promise<void> {
  const started = Date.now();
  await run('bash', [ORG_SCRIPT, ...args], { env: process.env, timeout: 300_000 });
  console.log(`      [consortium] org.sh ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Every process the network runs, by its pid file: name → pid. */
function networkPids(): Record<string, number> {
  const dir = join(RUN_DIR, 'pids');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.pid'))
      .map((file) => [file.slice(0, -4), Number(readFileSync(join(dir, file), 'utf8'))]),
  );
}

function expectStatus(answer: Answer, status: number): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
}

const RUN = uniqueId('grow');
const patient = (n: number) => ({ idType: 'RESIDENT_ID', idNumber: `${RUN}-${n}` });

/** The insurer's product and a policy for patient `n`, and the hospital's record of the patient's consent. */
async function cover(insurer: string, insurerMsp: string, hospital: string, n: number): Promise<string> {
  const productId = `PROD-${insurer}-${n}-${RUN}`;
  const product = {
    productId,
    name: `Cover of ${insurer}`,
    annualCap: 100_000_000,
    benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 8000 }],
  };
  expectStatus(await call(insurer, 'POST', '/v1/products', product), 201);
  const policyRef = `POL-${insurer}-${n}-${RUN}`;
  const policy = {
    policyRef,
    productId,
    patient: patient(n),
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
  };
  expectStatus(await call(insurer, 'POST', '/v1/policies', policy), 201);
  const consent = {
    authorisationId: `AUTH-${n}-${RUN}`,
    patient: patient(n),
    insurer: insurerMsp,
    purpose: 'CLAIM_SETTLEMENT',
    validFrom: '2026-01-01',
    validTo: '2030-12-31',
    evidenceHash: 'e'.repeat(64),
  };
  expectStatus(await call(hospital, 'POST', '/v1/authorisations', consent), 201);
  return policyRef;
}

async function settle(hospital: string, n: number, policyRef: string): Promise<Answer> {
  const settlementId = `S-${n}-${RUN}`;
  const body = {
    settlementId,
    patient: patient(n),
    policyRef,
    invoiceNumber: invoiceNumberFor(settlementId),
    admissionDate: '2026-03-01',
    dischargeDate: '2026-03-04',
    mode: 'PARALLEL',
    costs: GATEWAY_COSTS,
  };
  const answer = await call(hospital, 'POST', '/v1/settlements', body);
  expectStatus(answer, 201);
  return answer;
}

const endorsersOf = async (txId: string): Promise<string[]> =>
  (await call('regulator', 'GET', `/v1/audit/transactions/${txId}`)).body.endorsers;

describe('a consortium that grows and shrinks at runtime', function () {
  this.timeout(600_000);
  let founding: Answer;
  let pidsBefore: Record<string, number>;
  let fromInsurer3: Answer;
  let fromInsurer1: Answer;

  before(async () => {
    await ensureGateways();
  });
  after(() => stopStartedGateways());

  it('records a settlement among the founding members', async () => {
    const policyRef = await cover('insurer1', 'Insurer1MSP', 'hospital1', 1);
    founding = await settle('hospital1', 1, policyRef);
    pidsBefore = networkPids();
  });

  it('adds hospital3 and insurer3 without restarting any running process', async () => {
    await org('add', 'hospital3', '--kind', 'HOSPITAL');
    await org('add', 'insurer3', '--kind', 'INSURER');
    const pidsAfter = networkPids();
    for (const [name, pid] of Object.entries(pidsBefore)) expect(pidsAfter[name], name).to.equal(pid);
    expect(Object.keys(pidsAfter)).to.include.members([
      'peer-hospital3',
      'chaincode-insurer3',
      'gateway-hospital3',
    ]);
    await ensureGateways(); // the newcomers' gateways run already
    const participants = (await call('hospital1', 'GET', '/v1/participants')).body.items;
    expect(participants.map((p: { mspId: string }) => p.mspId)).to.include.members([
      'Hospital3MSP',
      'Insurer3MSP',
    ]);
  });

  it("lets hospital3 settle under insurer3's policy and under insurer1's, each endorsed by its two parties", async () => {
    fromInsurer3 = await settle('hospital3', 3, await cover('insurer3', 'Insurer3MSP', 'hospital3', 3));
    fromInsurer1 = await settle('hospital3', 4, await cover('insurer1', 'Insurer1MSP', 'hospital3', 4));
    expect(fromInsurer3.body).to.include({ insurer: 'Insurer3MSP', status: 'AWAITING_PAYOUT' });
    expect(fromInsurer1.body).to.include({ insurer: 'Insurer1MSP', status: 'AWAITING_PAYOUT' });
    expect(fromInsurer3.body.split.commercialShare).to.equal(1200);
    expect(await endorsersOf(fromInsurer3.body.txId)).to.include.members(['Hospital3MSP', 'Insurer3MSP']);
    expect(await endorsersOf(fromInsurer1.body.txId)).to.include.members(['Hospital3MSP', 'Insurer1MSP']);
  });

  it("keeps each insurer's records from the other", async () => {
    const path = (answer: Answer) => `/v1/settlements/${answer.body.hospital}/${answer.body.settlementId}`;
    expectStatus(await call('insurer3', 'GET', path(fromInsurer1)), 404);
    expectStatus(await call('insurer3', 'GET', path(founding)), 404);
    expectStatus(await call('insurer3', 'GET', `/v1/policies/POL-insurer1-4-${RUN}`), 404);
    expectStatus(await call('insurer1', 'GET', path(fromInsurer3)), 404);
    for (const reader of ['insurer3', 'hospital3', 'regulator'])
      expectStatus(await call(reader, 'GET', path(fromInsurer3)), 200);
  });

  it('still serves and verifies every record written before the change', async () => {
    const path = `/v1/settlements/Hospital1MSP/${founding.body.settlementId}`;
    for (const reader of ['hospital1', 'insurer1', 'regulator']) {
      const answer = await call(reader, 'GET', path);
      expectStatus(answer, 200);
      expect(answer.body).to.deep.include({ txId: founding.body.txId, split: founding.body.split });
    }
    const tx = await call('regulator', 'GET', `/v1/audit/transactions/${founding.body.txId}`);
    expect(tx.body).to.include({ validationCode: 'VALID' });
    expect(tx.body.endorsers).to.include.members(['Hospital1MSP', 'Insurer1MSP']);
  });

  it('removes hospital3: its certificates can no longer submit, and its records stay readable', async () => {
    // Hospital3's client, heard by Hospital1's peer once hospital3 has left: refused as a creator of no
    // organisation on the channel.
    const hospital3 = await connect('hospital3', { onlyPeerOf: 'hospital1' });
    try {
      await org('remove', 'hospital3');
      const refused = await failure(() => submit(hospital3.contract, Tx.listParticipants, {}));
      expect(refused.message).to.match(/access denied|creator/i);
    } finally {
      hospital3.gateway.disconnect();
    }
    const path = `/v1/settlements/Hospital3MSP/${fromInsurer3.body.settlementId}`;
    for (const reader of ['insurer3', 'regulator']) {
      const answer = await call(reader, 'GET', path);
      expectStatus(answer, 200);
      expect(answer.body.txId).to.equal(fromInsurer3.body.txId);
      expectStatus(await call(reader, 'GET', `${path}/history`), 200);
    }
    expectStatus(
      await call('insurer1', 'GET', `/v1/settlements/Hospital3MSP/${fromInsurer1.body.settlementId}`),
      200,
    );
    // Its processes are stopped: gateway, chaincode service and peer.
    expect(Object.keys(networkPids()).filter((name) => name.endsWith('-hospital3'))).to.deep.equal([]);
  });
});
