/**
 * Fault 3: two of the three orderers stopped, so the ordering service has no quorum. Writes must fail fast
 * with 503 LEDGER_UNAVAILABLE (not hang), reads must still work (they need no orderer), and writes must resume
 * by themselves once the orderers are back: the gateways are not restarted, the client only retries.
 */
import { expect } from 'chai';
import { gatewayPid, ORG_IDS, mspOf, startGateways } from '../support/gateways';
import { call } from '../support/http';
import { chainInfo, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { orderers, raftLeader } from '../support/orderers';
import { killProcess, networkUp, sleep, until } from '../support/processes';
import { loadLanes, settlementBody, uniqueId } from '../support/scenario';

/** What "fast" means for a write refused while the ordering service has no quorum. */
const FAIL_FAST_MS = 10_000;

describe('fault: two of three orderers stopped', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp());

  it('refuses writes fast with 503, serves reads, and resumes writes when the orderers return', async () => {
    const lanes = await loadLanes();
    const [lane] = lanes;
    const from = (await chainInfo('regulator')).height;
    const gatewayPids = ORG_IDS.map(gatewayPid);
    const before = settlementBody(lane.policy, uniqueId('quorum'));
    expect((await call(lane.org, 'POST', '/v1/settlements', before)).status).to.equal(201);

    const stopped = orderers().slice(1);
    for (const orderer of stopped) await killProcess(orderer.process, 'SIGTERM');
    await until(
      'the last orderer to give up leadership',
      async () => (await raftLeader()) === undefined,
      30_000,
    );

    const refused = await call(
      lane.org,
      'POST',
      '/v1/settlements',
      settlementBody(lane.policy, uniqueId('quorum')),
    );
    const read = await call(lane.org, 'GET', `/v1/settlements/${mspOf(lane.org)}/${before.settlementId}`);
    const health = await call('regulator', 'GET', '/healthz', undefined, null);

    // A client that keeps retrying through the outage and past the orderers' return.
    const loading = runLoad({
      lanes,
      ids: Array.from({ length: 8 }, () => uniqueId('quorum')),
      ratePerSecond: 2,
      retryForMs: 120_000,
      retryPauseMs: 1000,
    });
    await sleep(5000);
    await networkUp();
    const load = await loading;
    const slowest = Math.max(...Object.values(load.failureMs).flat(), refused.ms);

    await verify('two orderers stopped', from, load, {
      refused: { status: refused.status, code: refused.body?.code, ms: refused.ms },
      slowestFailureMs: slowest,
    });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
    expect(refused.body.code).to.equal('LEDGER_UNAVAILABLE');
    expect(refused.ms).to.be.below(FAIL_FAST_MS);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.body.settlementId).to.equal(before.settlementId);
    expect(health.status).to.equal(200);
    expect(Object.keys(load.statuses).sort(), 'answers during and after the outage').to.satisfy(
      (statuses: string[]) => statuses.every((s) => s === '201' || s === '503'),
    );
    expect(slowest, 'slowest refused write, ms').to.be.below(FAIL_FAST_MS);
    expect(
      load.submitted.every((item) => item.acknowledged),
      'writes resumed without a gateway restart',
    ).to.equal(true);
    expect(ORG_IDS.map(gatewayPid)).to.deep.equal(gatewayPids);
  });
});
