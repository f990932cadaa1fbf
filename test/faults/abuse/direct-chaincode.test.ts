/**
 * A hospital's own Fabric identity calling the chaincode directly with fabric-network, bypassing its gateway:
 * the chaincode itself must refuse to let it confirm a payout, read another hospital's settlement or publish a
 * product (defence in depth: the gateway is not the only guard), and nothing may change on the ledger.
 */
import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import { chaincodeError, evaluate, failure, OrgConnections, submit } from '../../integration/support/fabric';
import { mspOf, startGateways } from '../support/gateways';
import { call } from '../support/http';
import { peersAgree } from '../support/ledger';
import { loadLanes, settlementBody, uniqueId } from '../support/scenario';

describe('abuse: a hospital calling the chaincode directly', function () {
  this.timeout(120_000);
  const orgs = new OrgConnections();
  before(() => startGateways());
  after(() => orgs.close());

  async function recordSettlement(org: 'hospital1' | 'hospital2') {
    const lane = (await loadLanes()).find((l) => l.org === org);
    if (!lane) throw new Error(`no ${org} lane`);
    const body = settlementBody(lane.policy, uniqueId('direct'));
    const answer = await call(org, 'POST', '/v1/settlements', body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return { key: { hospital: mspOf(org), settlementId: body.settlementId }, settlement: answer.body };
  }

  it('refuses to let it confirm a payout of its own settlement', async () => {
    const { key, settlement } = await recordSettlement('hospital1');
    const hospital = await orgs.contract('hospital1');
    const refused = await failure(() =>
      submit(
        hospital,
        Tx.payoutSettlement,
        {
          ...key,
          actor: 'mallory',
          amount: settlement.split.commercialShare,
          paidAt: '2026-05-04T08:00:00Z',
          paymentReference: 'self-paid',
        },
        [mspOf('hospital1'), mspOf('insurer1')],
      ),
    );
    expect(chaincodeError(refused)?.code, refused.message).to.equal('FORBIDDEN');
    const after = await call('regulator', 'GET', `/v1/settlements/${key.hospital}/${key.settlementId}`);
    expect(after.body.status).to.equal('AWAITING_PAYOUT');
  });

  it("refuses to let it read another hospital's settlement", async () => {
    const { key, settlement } = await recordSettlement('hospital2');
    await peersAgree(); // so that a refusal cannot be hospital1's peer not having the block yet
    const refused = await failure(async () =>
      evaluate(await orgs.contract('hospital1'), Tx.getSettlement, key),
    );
    // The chaincode hides records outside the caller's view as NOT_FOUND, so their existence does not leak.
    expect(chaincodeError(refused)?.code, refused.message).to.equal('NOT_FOUND');
    expect(refused.message).not.to.contain(settlement.patientRef);
  });

  it('refuses to let it publish a product', async () => {
    const productId = uniqueId('PROD-direct');
    const refused = await failure(async () =>
      submit(await orgs.contract('hospital1'), Tx.publishProduct, {
        actor: 'mallory',
        productId,
        name: 'Forged product',
        annualCap: 1,
        benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 10_000 }],
      }),
    );
    expect(chaincodeError(refused)?.code, refused.message).to.equal('FORBIDDEN');
    expect((await call('regulator', 'GET', `/v1/products/${productId}`)).status).to.equal(404);
  });
});
