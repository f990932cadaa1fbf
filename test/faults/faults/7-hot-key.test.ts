/**
 * Fault 7: a hot key. Many settlements at once on one policy, from two hospitals, all updating that policy's
 * accumulators (one ledger key), so most endorsements race and lose with MVCC read conflicts that the gateway
 * re-runs and the client retries. Afterwards the accumulators must equal the sum of the recorded settlements:
 * no lost update (the deductible applied twice), no double count.
 *
 * The accumulators cannot be read directly, so the product is built to make them visible: a deductible that the
 * load uses up part-way, 100% payment after it, and a product cap that a final probe settlement runs into, so the
 * probe is paid exactly what the accumulators say is left.
 */
import { expect } from 'chai';
import type { SplitLine } from '../../../chaincode/src/api';
import { startGateways } from '../support/gateways';
import { call } from '../support/http';
import { chainInfo, verify } from '../support/ledger';
import { Lane, runLoad } from '../support/load';
import { COSTS, seedPolicy, settlementBody, uniqueId } from '../support/scenario';

const DEDUCTIBLE = 10_000;
const PRODUCT_CAP = 20_000;
const SETTLEMENTS = 10;
const PROBE_AMOUNT = 100_000;

const sum = (lines: SplitLine[], field: 'deductibleApplied' | 'paid'): number =>
  lines.reduce((total, line) => total + line[field], 0);

describe('fault: a hot key', function () {
  this.timeout(300_000);
  before(() => startGateways());

  it('keeps the accumulators equal to the sum of the recorded settlements', async () => {
    const policy = await seedPolicy('insurer1', ['hospital1', 'hospital2'], {
      annualCap: PRODUCT_CAP,
      benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: DEDUCTIBLE, ratioBps: 10_000 }],
    });
    const lanes: Lane[] = [
      { org: 'hospital1', policy },
      { org: 'hospital2', policy },
    ];
    const from = (await chainInfo('regulator')).height;
    const load = await runLoad({
      lanes,
      ids: Array.from({ length: SETTLEMENTS }, () => uniqueId('hot')),
      ratePerSecond: SETTLEMENTS,
      retryForMs: 60_000,
    });
    const probe = await call(
      'hospital1',
      'POST',
      '/v1/settlements',
      settlementBody(policy, uniqueId('hot-probe'), {
        ...COSTS,
        total: COSTS.total - COSTS.outOfCatalogue + PROBE_AMOUNT,
        outOfCatalogue: PROBE_AMOUNT,
      }),
    );
    const ours = new Set(load.submitted.map((item) => item.body.settlementId));
    const { recorded } = await verify('hot key', from, load, {
      busyAnswersRetriedByClient: load.statuses['503'] ?? 0,
    });
    // Sums over what the ledger recorded (not what the client was told), the accumulators' own history.
    const lines = [...recorded].filter(([id]) => ours.has(id)).flatMap(([, [s]]) => s.split.lines);
    const deductibleApplied = sum(lines, 'deductibleApplied');
    const paid = sum(lines, 'paid');
    console.log(
      `      [faults] hot key sums: ${JSON.stringify({ deductibleApplied, paid, probe: probe.body?.split?.lines })}`,
    );
    expect(probe.status, JSON.stringify(probe.body)).to.equal(201);
    const amounts = lines.reduce((total, line) => total + line.amount, 0);
    // Not every request need get through in the time allowed (the losers of each race retry, and one can lose
    // many times): the accumulators must match whatever was recorded.
    expect(lines.length, 'settlements recorded').to.be.greaterThan(0);
    const deductible = Math.min(DEDUCTIBLE, amounts);
    expect(deductibleApplied, 'deductible applied over the recorded settlements').to.equal(deductible);
    expect(paid, 'paid over the recorded settlements').to.equal(amounts - deductible);
    expect(sum(probe.body.split.lines, 'deductibleApplied'), 'deductible left for the probe').to.equal(
      DEDUCTIBLE - deductibleApplied,
    );
    expect(sum(probe.body.split.lines, 'paid'), 'product cap left for the probe').to.equal(
      PRODUCT_CAP - paid,
    );
  });
});
