/**
 * Fault 8: the regulator's peer, a member of every collection and no endorser of settlements, is stopped while
 * settlements are recorded, paid and disputed. Their private details were handed to the members that were up;
 * once restarted, the peer pulls what it missed (at commit, else by reconciliation), and the regulator's gateway
 * must serve every record, details and history included, within a bound. The time it took is printed. Writes
 * are retried on 503, as any client would: while the SDK's view of the network still holds the stopped peer, a
 * write may be answered LEDGER_UNAVAILABLE.
 */
import { expect } from 'chai';
import { startGateways } from '../support/gateways';
import { call, writeRetrying } from '../support/http';
import { killProcess, networkUp, sleep, until } from '../support/processes';
import { loadLanes, readableBy, settlementBody, uniqueId } from '../support/scenario';

/** Longer than a pull at commit (5 s) and a reconciliation round (10 s) several times over. */
const CATCH_UP_BOUND_MS = 120_000;

describe('fault: the regulator missed private data', function () {
  this.timeout(300_000);
  before(() => startGateways());
  after(() => networkUp());

  it('serves every record it missed, details and history, once its peer is back', async () => {
    const lanes = await loadLanes();
    await killProcess('peer-regulator');
    const expected = new Map<string, { status: string; versions: number; paymentReference?: string }>();
    for (const [index, { org, policy }] of lanes.entries()) {
      const body = settlementBody(policy, uniqueId('missed'));
      const recorded = await writeRetrying(org, '/v1/settlements', body);
      expect(recorded.status, JSON.stringify(recorded.body)).to.equal(201);
      const path = `/v1/settlements/${recorded.body.hospital}/${body.settlementId}`;
      await readableBy(policy.insurer, path);
      if (index % 2 === 0) {
        const paymentReference = uniqueId('PAY');
        const payout = {
          amount: recorded.body.split.commercialShare,
          paidAt: new Date().toISOString(),
          paymentReference,
        };
        expect((await writeRetrying(policy.insurer, `${path}/payout`, payout)).status).to.equal(201);
        expected.set(path, { status: 'PAID', versions: 2, paymentReference });
      } else {
        const dispute = { reason: uniqueId('missed while down') };
        expect((await writeRetrying(policy.insurer, `${path}/dispute`, dispute)).status).to.equal(201);
        expected.set(path, { status: 'DISPUTED', versions: 2 });
      }
    }
    await sleep(1000);
    const restarted = Date.now();
    await networkUp();
    const served = async (path: string): Promise<boolean> => {
      const want = expected.get(path)!;
      const [record, history] = await Promise.all([
        call('regulator', 'GET', path),
        call('regulator', 'GET', `${path}/history`),
      ]);
      return (
        record.status === 200 &&
        record.body.status === want.status &&
        record.body.payout?.paymentReference === want.paymentReference &&
        history.status === 200 &&
        history.body.items.length === want.versions &&
        history.body.items.every((v: { value: unknown }) => v.value !== null)
      );
    };
    await until(
      "the regulator's gateway to serve every record it missed",
      async () => (await Promise.all([...expected.keys()].map(served))).every(Boolean),
      CATCH_UP_BOUND_MS,
    );
    console.log(
      `      [faults] regulator served ${expected.size} missed records, details and history, ${((Date.now() - restarted) / 1000).toFixed(1)} s after its peer restarted`,
    );
  });
});
