/**
 * Fault 5: the chaincode services (chaincode as a service, one process per organisation) SIGKILLed. While they
 * are down, writes and reads must answer a clear 503 LEDGER_UNAVAILABLE; once they are started again the peers
 * reconnect to them by themselves (no peer restarts) and the client's retries get everything recorded.
 */
import { expect } from 'chai';
import { mspOf, startGateways } from '../support/gateways';
import { call } from '../support/http';
import { chainInfo, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { killProcess, networkUp, pidOf, sleep } from '../support/processes';
import { topology } from '../support/instance';
import { loadLanes, settlementBody, uniqueId } from '../support/scenario';

describe('fault: the chaincode services killed', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp());

  it('answers 503 while it is down and recovers without restarting peers', async () => {
    const lanes = await loadLanes();
    const [lane] = lanes;
    const from = (await chainInfo('regulator')).height;
    const peerPids = topology().orgs.map((org) => pidOf(org.peer.process));
    const recorded = settlementBody(lane.policy, uniqueId('chaincode'));
    expect((await call(lane.org, 'POST', '/v1/settlements', recorded)).status).to.equal(201);

    for (const org of topology().orgs) await killProcess(org.chaincode.process);
    const write = await call(
      lane.org,
      'POST',
      '/v1/settlements',
      settlementBody(lane.policy, uniqueId('chaincode')),
    );
    const read = await call(lane.org, 'GET', `/v1/settlements/${mspOf(lane.org)}/${recorded.settlementId}`);

    const loading = runLoad({
      lanes,
      ids: Array.from({ length: 8 }, () => uniqueId('chaincode')),
      ratePerSecond: 2,
      retryForMs: 90_000,
      retryPauseMs: 1000,
    });
    await sleep(3000);
    await networkUp();
    const load = await loading;

    await verify('chaincode killed', from, load, {
      whileDown: { write: [write.status, write.body?.code], read: [read.status, read.body?.code] },
    });
    expect(
      topology().orgs.map((org) => pidOf(org.peer.process)),
      'peer pids',
    ).to.deep.equal(peerPids);
    expect(
      load.submitted.every((item) => item.acknowledged),
      'every request acknowledged after retries',
    ).to.equal(true);
    for (const answer of [write, read]) {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(503);
      expect(answer.body.code).to.equal('LEDGER_UNAVAILABLE');
    }
  });
});
