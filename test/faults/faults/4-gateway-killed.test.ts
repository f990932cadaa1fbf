/**
 * Fault 4: a gateway SIGKILLed while requests are in flight, then started again. Some requests die with the
 * connection after their transaction was sent to the ledger; the client retries the same requests and each
 * settlement must be recorded exactly once (the retry answers 200 with the settlement already recorded).
 */
import { expect } from 'chai';
import { startGateway, startGateways, stopGateway } from '../support/gateways';
import { chainInfo, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { networkUp, sleep } from '../support/processes';
import { loadLanes, uniqueId } from '../support/scenario';

describe('fault: a gateway killed mid-submit', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp().then(() => startGateways()));

  it('records each retried settlement exactly once', async () => {
    const lanes = (await loadLanes()).filter((lane) => lane.org === 'hospital1');
    const from = (await chainInfo('regulator')).height;
    const loading = runLoad({
      lanes,
      ids: Array.from({ length: 12 }, () => uniqueId('gateway')),
      ratePerSecond: 4,
      retryForMs: 90_000,
    });
    await sleep(1500);
    await stopGateway('hospital1', 'SIGKILL');
    await sleep(1000);
    await startGateway('hospital1');
    const load = await loading;

    const replays = load.submitted.filter((item) => item.acknowledged?.status === 200).length;
    await verify('gateway killed', from, load, { answeredByReplay: replays });
    expect(load.statuses['0'] ?? 0, 'requests cut by the kill').to.be.greaterThan(0);
    expect(
      load.submitted.every((item) => item.acknowledged),
      'every request acknowledged after retries',
    ).to.equal(true);
  });
});
