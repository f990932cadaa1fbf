/**
 * Fault 6: the whole network stopped (network/down.sh, every orderer, peer and the chaincode service) and
 * started again under load. The chain up to the last block before the stop must be intact on every peer (same
 * block hashes), the records must read back unchanged, and the gateways (left running) must serve again.
 */
import { expect } from 'chai';
import { CHANNEL_NAME } from '../../../chaincode/src/api';
import { connect } from '../../integration/support/fabric';
import { mspOf, startGateways } from '../support/gateways';
import { call } from '../support/http';
import { chainInfo, decodeBlock, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { networkDown, networkUp, sleep } from '../support/processes';
import { loadLanes, settlementBody, uniqueId } from '../support/scenario';

async function previousHashOf(blockNumber: number): Promise<string> {
  const connection = await connect('regulator', { onlyPeerOf: 'regulator' });
  try {
    const qscc = connection.network.getContract('qscc');
    const bytes = await qscc.evaluateTransaction('GetBlockByNumber', CHANNEL_NAME, String(blockNumber));
    return decodeBlock(bytes).header.previous_hash.toString('hex');
  } finally {
    connection.gateway.disconnect();
  }
}

describe('fault: the whole network stopped and started', function () {
  this.timeout(400_000);
  before(() => startGateways());
  after(() => networkUp());

  it('keeps heights, block hashes and state, and serves again without restarting gateways', async () => {
    const lanes = await loadLanes();
    const [lane] = lanes;
    const from = (await chainInfo('regulator')).height;
    const kept = settlementBody(lane.policy, uniqueId('restart'));
    expect((await call(lane.org, 'POST', '/v1/settlements', kept)).status).to.equal(201);
    const path = `/v1/settlements/${mspOf(lane.org)}/${kept.settlementId}`;
    const before = await call('regulator', 'GET', path);

    const loading = runLoad({
      lanes,
      ids: Array.from({ length: 10 }, () => uniqueId('restart')),
      ratePerSecond: 2,
      retryForMs: 180_000,
      retryPauseMs: 1000,
    });
    await sleep(2000);
    const last = await chainInfo('regulator');
    const stoppedAt = Date.now();
    await networkDown();
    await networkUp();
    const restartMs = Date.now() - stoppedAt;
    const load = await loading;

    const { height } = await verify('whole network restarted', from, load, {
      heightBeforeStop: last.height,
      restartMs,
    });
    expect(height).to.be.at.least(last.height);
    if (height === last.height) expect((await chainInfo('regulator')).hash).to.equal(last.hash);
    else expect(await previousHashOf(last.height)).to.equal(last.hash);
    expect((await call('regulator', 'GET', path)).body).to.deep.equal(before.body);
    expect(
      load.submitted.every((item) => item.acknowledged),
      'every request acknowledged after retries',
    ).to.equal(true);
  });
});
