/**
 * Fault 1: a peer SIGKILLed under load and restarted. The regulator's peer is the one killed: no settlement
 * needs its endorsement, so the other organisations' gateways must see no error at all, and the regulator's
 * gateway (an auditor sees every event) must deliver the events committed while its peer was down, in order,
 * without gaps or repeats, also across a client reconnect with Last-Event-ID.
 */
import { expect } from 'chai';
import { EventStreamClient } from '../support/events';
import { startGateways } from '../support/gateways';
import { chainInfo, transactions, verify } from '../support/ledger';
import { runLoad } from '../support/load';
import { killProcess, networkUp, sleep, until } from '../support/processes';
import { loadLanes, uniqueId } from '../support/scenario';

describe('fault: a peer killed and restarted', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp());

  it('catches up, other gateways see no errors, its gateway streams every event once', async () => {
    const lanes = await loadLanes();
    const from = (await chainInfo('regulator')).height;
    const stream = new EventStreamClient('regulator', from);
    try {
      const loading = runLoad({
        lanes,
        ids: Array.from({ length: 12 }, () => uniqueId('peer')),
        ratePerSecond: 2,
        retryForMs: 60_000,
      });
      await sleep(2000);
      await killProcess('peer-regulator');
      await sleep(4000);
      stream.reconnect();
      await networkUp();
      const load = await loading;
      expect(load.statuses, 'answers of the other organisations’ gateways').to.have.all.keys('201');

      const { height } = await verify('peer killed', from, load);
      const expected = (await transactions(from, height))
        .filter((tx) => tx.validationCode === 'VALID' && tx.event !== undefined)
        .map((tx) => tx.txId);
      await until(
        'the regulator’s stream to deliver every event',
        async () => stream.events.length >= expected.length,
      );
      const ids = stream.events.map((event) => event.id);
      console.log(
        `      [faults] regulator's event stream: ${stream.events.length} events over ${stream.connections} connections`,
      );
      expect(stream.events.map((event) => event.txId)).to.deep.equal(expected);
      expect(new Set(ids).size, 'repeated event ids').to.equal(ids.length);
      expect(stream.connections).to.be.greaterThan(1);
    } finally {
      await stream.close();
    }
  });
});
