/**
 * Every write needs two organisations' peers (the chaincode-level policy), and records need their owners':
 * the chaincode puts key-level policies on products (insurer), the policy's accumulators (insurer), each
 * hospital's seal (the hospital) and settlements (hospital and insurer), which validation enforces.
 */
import { expect } from 'chai';
import {
  EndorsersResult,
  PublishProductRequest,
  SubmitSettlementResult,
  Tx,
  WriteResult,
  type Product,
} from '../../../chaincode/src/api';
import { OrgConnections, evaluate, failure, submit } from '../support/fabric';
import { ACTOR, SeededPolicy, seedInsurer1Policy, settlementRequest, uniqueId } from '../support/fixtures';

describe('network: product endorsement', () => {
  const orgs = new OrgConnections();
  after(() => orgs.close());

  const productRequest = (productId: string, name: string): PublishProductRequest => ({
    actor: ACTOR,
    productId,
    name,
    annualCap: 1_000_000,
    benefits: [{ category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 5000 }],
  });

  it('rejects a publish endorsed by the insurer alone; accepts it with the regulator too', async () => {
    const insurer = await orgs.contract('insurer1');
    const request = productRequest(uniqueId('product'), 'Endorsement test product');
    const err = await failure(() => submit(insurer, Tx.publishProduct, request, ['Insurer1MSP']));
    expect(err.transactionCode ?? err.message).to.contain('ENDORSEMENT_POLICY_FAILURE');
    await failure(() => evaluate(insurer, Tx.getProduct, { productId: request.productId }));
    const result = await submit<WriteResult<Product>>(insurer, Tx.publishProduct, request, [
      'Insurer1MSP',
      'RegulatorMSP',
    ]);
    expect(result).to.deep.include({ created: true });
    expect(result.record.version).to.equal(1);
  });

  it("rejects a new version endorsed without the insurer's peer (its key-level policy)", async () => {
    const insurer = await orgs.contract('insurer1');
    const productId = uniqueId('product');
    await submit(insurer, Tx.publishProduct, productRequest(productId, 'v1'), [
      'Insurer1MSP',
      'RegulatorMSP',
    ]);
    const v2 = productRequest(productId, 'v2');
    const err = await failure(() => submit(insurer, Tx.publishProduct, v2, ['Hospital1MSP', 'RegulatorMSP']));
    expect(err.transactionCode ?? err.message).to.contain('ENDORSEMENT_POLICY_FAILURE');
    const result = await submit<WriteResult<Product>>(insurer, Tx.publishProduct, v2, [
      'Insurer1MSP',
      'Hospital1MSP',
    ]);
    expect(result.record.version).to.equal(2);
  });
});

describe('network: settlement endorsement', () => {
  const orgs = new OrgConnections();
  let policy: SeededPolicy;

  before(async () => {
    policy = await seedInsurer1Policy(orgs);
  });
  after(() => orgs.close());

  it('names the hospital and the policy insurer as required endorsers', async () => {
    const result = await evaluate<EndorsersResult>(await orgs.contract('hospital1'), Tx.settlementEndorsers, {
      patientRef: policy.patientRef,
      policyRef: policy.policyRef,
    });
    expect(result.organisations).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
  });

  it('rejects at validation a settlement endorsed by the hospital alone', async () => {
    const hospital = await orgs.contract('hospital1');
    const request = settlementRequest(policy);
    const err = await failure(() => submit(hospital, Tx.submitSettlement, request, ['Hospital1MSP']));
    expect(err.transactionCode ?? err.message).to.contain('ENDORSEMENT_POLICY_FAILURE');
    // The invalid transaction wrote nothing: the settlement does not exist.
    const lookup = await failure(() =>
      evaluate(hospital, Tx.getSettlement, { hospital: 'Hospital1MSP', settlementId: request.settlementId }),
    );
    expect(lookup.message).to.contain('NOT_FOUND');
  });

  for (const endorsers of [
    ['Insurer1MSP', 'Hospital2MSP'],
    ['Hospital1MSP', 'Hospital2MSP'],
  ]) {
    it(`rejects at validation a settlement endorsed by ${endorsers.join(' and ')} (its own hospital's seal or its insurer's accumulators unendorsed)`, async () => {
      const hospital = await orgs.contract('hospital1');
      const request = settlementRequest(policy);
      const err = await failure(() => submit(hospital, Tx.submitSettlement, request, endorsers));
      expect(err.transactionCode ?? err.message).to.contain('ENDORSEMENT_POLICY_FAILURE');
    });
  }

  it('records a settlement endorsed by the hospital and the insurer', async () => {
    const hospital = await orgs.contract('hospital1');
    const request = settlementRequest(policy);
    const result = await submit<SubmitSettlementResult>(hospital, Tx.submitSettlement, request, [
      'Hospital1MSP',
      'Insurer1MSP',
    ]);
    expect(result.outcome).to.equal('RECORDED');
    if (result.outcome !== 'RECORDED') return;
    expect(result.settlement.split.commercialShare).to.equal(10_000);
    expect(result.settlement.status).to.equal('AWAITING_PAYOUT');
  });

  it('rejects at validation a payout endorsed by the insurer alone', async () => {
    const request = settlementRequest(policy);
    await submit(await orgs.contract('hospital1'), Tx.submitSettlement, request, [
      'Hospital1MSP',
      'Insurer1MSP',
    ]);
    const payout = {
      actor: 'integration-test',
      hospital: 'Hospital1MSP',
      settlementId: request.settlementId,
      amount: 10_000,
      paidAt: '2025-03-20',
      paymentReference: 'PAY-1',
    };
    const insurer = await orgs.contract('insurer1');
    const err = await failure(() => submit(insurer, Tx.payoutSettlement, payout, ['Insurer1MSP']));
    expect(err.transactionCode ?? err.message).to.contain('ENDORSEMENT_POLICY_FAILURE');
    await submit(insurer, Tx.payoutSettlement, payout, ['Hospital1MSP', 'Insurer1MSP']);
  });
});
