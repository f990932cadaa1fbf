/**
 * The chaincode's access rules with real identities: each organisation's own client user, as issued by its
 * CA, calling through its own peer. The organisation comes from the certificate, not from the request.
 */
import { expect } from 'chai';
import { Contract } from 'fabric-network';
import { CHAINCODE_NAME, Policy, Reconciliation, Tx, TxName } from '../../../chaincode/src/api';
import { OrgConnections, chaincodeError, evaluate, failure, submit } from '../support/fabric';
import {
  ACTOR,
  SeededPolicy,
  VALIDITY,
  seedInsurer1Policy,
  settlementRequest,
  uniqueId,
} from '../support/fixtures';

async function expectRefused(contract: Contract, tx: TxName, request: object, code: string): Promise<void> {
  const err = await failure(() => submit(contract, tx, request));
  expect(chaincodeError(err)?.code, err.message).to.equal(code);
}

describe('network: callers allowed and refused', () => {
  const orgs = new OrgConnections();
  let policy: SeededPolicy;

  before(async () => {
    policy = await seedInsurer1Policy(orgs);
  });
  after(() => orgs.close());

  const product = () => ({
    actor: ACTOR,
    productId: uniqueId('product'),
    name: 'Access test product',
    annualCap: 500_000,
    benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 10_000, ratioBps: 8000 }],
  });

  it('lets an insurer publish a product, and no hospital or regulator', async () => {
    await submit(await orgs.contract('insurer2'), Tx.publishProduct, product());
    await expectRefused(await orgs.contract('hospital2'), Tx.publishProduct, product(), 'FORBIDDEN');
    await expectRefused(await orgs.contract('regulator'), Tx.publishProduct, product(), 'FORBIDDEN');
  });

  it("refuses a policy on another insurer's product", async () => {
    const { productId, patientRef } = policy;
    const request = { actor: ACTOR, policyRef: uniqueId('policy'), productId, patientRef, ...VALIDITY };
    await expectRefused(await orgs.contract('insurer2'), Tx.registerPolicy, request, 'FORBIDDEN');
  });

  it('shows a policy to its insurer and the regulator only', async () => {
    const lookup = { policyRef: policy.policyRef, insurer: 'Insurer1MSP' };
    const seen = await evaluate<Policy>(await orgs.contract('regulator'), Tx.getPolicy, lookup);
    expect(seen.insurer).to.equal('Insurer1MSP');
    const insurer2 = await orgs.contract('insurer2');
    const hidden = await failure(() => evaluate(insurer2, Tx.getPolicy, lookup));
    expect(chaincodeError(hidden)?.code).to.equal('NOT_FOUND');
  });

  it('lets only hospitals submit settlements', async () => {
    const request = settlementRequest(policy);
    await expectRefused(await orgs.contract('insurer1'), Tx.submitSettlement, request, 'FORBIDDEN');
    await expectRefused(await orgs.contract('regulator'), Tx.submitSettlement, request, 'FORBIDDEN');
  });

  describe("a settlement's lifecycle", () => {
    let key: { hospital: string; settlementId: string };

    before(async () => {
      const request = settlementRequest(policy);
      await submit(await orgs.contract('hospital1'), Tx.submitSettlement, request, [
        'Hospital1MSP',
        'Insurer1MSP',
      ]);
      key = { hospital: 'Hospital1MSP', settlementId: request.settlementId };
    });

    const payout = () => ({
      actor: ACTOR,
      ...key,
      amount: 1,
      paidAt: '2025-03-20',
      paymentReference: uniqueId('pay'),
    });
    const reason = () => ({ actor: ACTOR, ...key, reason: 'access test' });
    const recovery = () => ({
      actor: ACTOR,
      ...key,
      amount: 1,
      reason: 'access test',
      reference: uniqueId('rec'),
      recoveredAt: '2025-03-21',
    });

    // Who is refused each step: the wrong kind of organisation is FORBIDDEN, a stranger to it sees nothing.
    const refusals = [
      [
        Tx.payoutSettlement,
        payout,
        { hospital1: 'FORBIDDEN', regulator: 'FORBIDDEN', insurer2: 'NOT_FOUND' },
      ],
      [
        Tx.disputeSettlement,
        reason,
        { hospital1: 'FORBIDDEN', regulator: 'FORBIDDEN', insurer2: 'NOT_FOUND' },
      ],
      [
        Tx.reverseSettlement,
        reason,
        { insurer1: 'FORBIDDEN', regulator: 'FORBIDDEN', hospital2: 'NOT_FOUND' },
      ],
      [Tx.answerDispute, reason, { insurer1: 'FORBIDDEN', regulator: 'FORBIDDEN', hospital2: 'NOT_FOUND' }],
      [Tx.withdrawDispute, reason, { hospital1: 'FORBIDDEN', regulator: 'FORBIDDEN', insurer2: 'NOT_FOUND' }],
      [Tx.upholdDispute, reason, { hospital1: 'FORBIDDEN', regulator: 'FORBIDDEN', insurer2: 'NOT_FOUND' }],
      [
        Tx.recoverSettlement,
        recovery,
        { hospital1: 'FORBIDDEN', regulator: 'FORBIDDEN', insurer2: 'NOT_FOUND' },
      ],
    ] as const;
    for (const [tx, request, refused] of refusals) {
      it(`refuses ${tx} by ${Object.keys(refused).join(', ')}`, async () => {
        for (const [org, code] of Object.entries(refused)) {
          await expectRefused(await orgs.contract(org), tx, request(), code);
        }
      });
    }

    it('shows its history to its parties and the regulator only', async () => {
      for (const org of ['hospital1', 'insurer1', 'regulator']) {
        const versions = await evaluate<unknown[]>(await orgs.contract(org), Tx.settlementHistory, key);
        expect(versions, org).to.have.length(1);
      }
      for (const org of ['hospital2', 'insurer2']) {
        const err = await failure(async () => evaluate(await orgs.contract(org), Tx.settlementHistory, key));
        expect(chaincodeError(err)?.code, org).to.equal('NOT_FOUND');
      }
    });
  });

  it('lets hospitals and insurers record consents, and not the regulator', async () => {
    const request = {
      actor: ACTOR,
      authorisationId: uniqueId('auth'),
      patientRef: policy.patientRef,
      insurer: 'Insurer1MSP',
      purpose: 'CLAIM_SETTLEMENT',
      ...VALIDITY,
      evidenceHash: 'e'.repeat(64),
    };
    await expectRefused(await orgs.contract('regulator'), Tx.recordAuthorisation, request, 'FORBIDDEN');
  });

  it("counts nothing of another hospital's settlements in a hospital's totals", async () => {
    const filter = { hospital: 'Hospital1MSP' };
    const all = await evaluate<Reconciliation>(await orgs.contract('regulator'), Tx.reconciliation, filter);
    expect(all.count).to.be.greaterThan(0);
    const other = await evaluate<Reconciliation>(await orgs.contract('hospital2'), Tx.reconciliation, filter);
    expect(other).to.include({ count: 0, total: 0 });
  });

  it('lets only the regulator triage fraud alerts', async () => {
    const request = { actor: ACTOR, alertId: uniqueId('alert'), status: 'DISMISSED', note: 'access test' };
    for (const org of ['hospital1', 'insurer1']) {
      await expectRefused(await orgs.contract(org), Tx.triageAlert, request, 'FORBIDDEN');
    }
    await expectRefused(await orgs.contract('regulator'), Tx.triageAlert, request, 'NOT_FOUND');
  });

  it("describes its contracts to tools through Fabric's GetMetadata", async () => {
    const { network } = await orgs.get('hospital1');
    const system = network.getContract(CHAINCODE_NAME, 'org.hyperledger.fabric');
    const metadata = JSON.parse((await system.evaluateTransaction('GetMetadata')).toString('utf8')) as {
      contracts: Record<string, { transactions: { name: string }[] }>;
    };
    expect(Object.keys(metadata.contracts)).to.include.members(['Products', 'Settlements', 'Audit']);
    const products = metadata.contracts.Products.transactions.map((t) => t.name);
    expect(products).to.include.members(['publish', 'get', 'list']);
  });

  it('refuses bad input with VALIDATION_FAILED', async () => {
    const request = { ...product(), annualCap: 12.5 };
    await expectRefused(await orgs.contract('insurer1'), Tx.publishProduct, request, 'VALIDATION_FAILED');
  });

  it('refuses as actor anything but an opaque user id, and free text with invisible characters', async () => {
    const insurer = await orgs.contract('insurer1');
    for (const change of [
      { actor: 'adjuster\u202e1' }, // right-to-left override
      { actor: 'adj\u200buster' }, // zero-width space
      { actor: 'Zhang San 11010519900101123X' }, // personal data stored as the actor
      { name: 'Hui Min\u2066 Bao' }, // a bidirectional isolate in free text
    ]) {
      await expectRefused(insurer, Tx.publishProduct, { ...product(), ...change }, 'VALIDATION_FAILED');
    }
  });
});
