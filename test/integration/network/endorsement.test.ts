/**
 * A settlement must carry its hospital's and its insurer's endorsements: the chaincode puts key-level
 * policies on the policy's accumulators (insurer) and on the settlement (both), which validation enforces.
 */
import { expect } from 'chai';
import { EndorsersResult, SubmitSettlementResult, Tx } from '../../../chaincode/src/api';
import { OrgConnections, evaluate, failure, submit } from '../support/fabric';
import { SeededPolicy, seedPolicy, settlementRequest } from '../support/fixtures';

describe('network: settlement endorsement', () => {
  const orgs = new OrgConnections();
  let policy: SeededPolicy;

  before(async () => {
    policy = await seedPolicy(
      await orgs.contract('insurer1'),
      'Insurer1MSP',
      await orgs.contract('hospital1'),
    );
  });
  after(() => orgs.close());

  it('names the hospital and the policy insurer as required endorsers', async () => {
    const result = await evaluate<EndorsersResult>(await orgs.contract('hospital1'), Tx.settlementEndorsers, {
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
