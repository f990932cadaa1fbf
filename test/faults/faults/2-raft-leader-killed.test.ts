/**
 * Fault 2: the Raft leader SIGKILLed under load. The two remaining orderers elect a new leader within seconds,
 * the client's retries get every settlement acknowledged, and each is on the ledger exactly once.
 */
import { expect } from 'chai';
import { startGateways } from '../support/gateways';
import { chainInfo, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { raftLeader } from '../support/orderers';
import { killProcess, networkUp, sleep, until } from '../support/processes';
import { loadLanes, uniqueId } from '../support/scenario';

describe('fault: the Raft leader killed', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp());

  it('elects a new leader within seconds and records every acknowledged settlement once', async () => {
    const lanes = await loadLanes();
    const from = (await chainInfo('regulator')).height;
    const leader = await raftLeader();
    expect(leader, 'a Raft leader before the fault').to.not.equal(undefined);
    const loading = runLoad({
      lanes,
      ids: Array.from({ length: 12 }, () => uniqueId('raft')),
      ratePerSecond: 2,
      retryForMs: 60_000,
    });
    await sleep(2000);
    await killProcess(leader?.process as string);
    const killedAt = Date.now();
    await until('a new Raft leader', async () => (await raftLeader()) !== undefined, 30_000);
    const electionMs = Date.now() - killedAt;
    const newLeader = await raftLeader();
    const load = await loading;
    await networkUp();

    await verify('raft leader killed', from, load, {
      killed: leader?.name,
      newLeader: newLeader?.name,
      electionMs,
    });
    expect(newLeader?.name).to.not.equal(leader?.name);
    expect(electionMs, 'milliseconds to elect a new leader').to.be.below(15_000);
    expect(
      load.submitted.every((item) => item.acknowledged),
      'every request acknowledged after retries',
    ).to.equal(true);
  });
});
