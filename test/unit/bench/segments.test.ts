import { expect } from 'chai';
import { merged, type Segment } from '../../../bench/src/rounds';
import { summarise, type Sample } from '../../../bench/src/stats';

/** `count` successes of one item each, one every `every` ms from `from`, each taking 100 ms. */
function successes(from: number, count: number, every = 100): Sample[] {
  return Array.from({ length: count }, (_, i) => ({
    start: from + i * every,
    end: from + i * every + 100,
    ok: true,
    items: 1,
  }));
}

function segment(
  seconds: number,
  cpuPercent: number,
  peakRssMb: number,
  lag: [number, number, number],
): Segment {
  const [maxBlocks, meanBlocks, samples] = lag;
  const series = { name: 'ledger_block_processing_time_count', labels: { channel: 'settlement' }, value: 5 };
  return {
    samples: [],
    seconds,
    usage: { 'peer-hospital1': { cpuPercent, peakRssMb } },
    peerLag: { maxBlocks, meanBlocks, samples },
    stalls: { ioFullMs: seconds * 10, ioFullWorstSecondMs: cpuPercent, cpuSomeMs: seconds * 100 },
    window: { gateways: [], peers: [series], orderers: [] },
  };
}

describe('bench: a round made of segments', () => {
  it('has for throughput its successes over the sum of the segments’ windows, not over the pauses', () => {
    // 10 successes in a 1 s window, then, a minute later, 30 in a 1.55 s window.
    const summary = summarise([successes(0, 10), successes(61_000, 30, 50)], 20);
    expect(summary.successes).to.equal(40);
    expect(summary.durationSeconds).to.equal(2.55);
    expect(summary.throughput).to.equal(15.7);
    expect(summary.sendRate).to.equal(2);
  });

  it('counts a segment without a success as time spent, so an outage lowers the throughput', () => {
    const failed: Sample[] = [
      { start: 5000, end: 7000, ok: false, items: 1, error: '503 LEDGER_UNAVAILABLE' },
    ];
    const alone = summarise([successes(0, 10)], 10);
    const withOutage = summarise([successes(0, 10), failed], 20);
    expect(withOutage.throughput).to.be.below(alone.throughput);
    expect(withOutage.durationSeconds).to.be.closeTo(3, 0.01);
    expect(summarise([failed], 10).throughput).to.equal(0);
  });

  it('weights CPU by segment length, keeps the peak memory and the largest lag, sums stalls and metrics', () => {
    const result = merged([segment(10, 30, 100, [2, 1, 5]), segment(30, 10, 150, [1, 0.2, 15])]);
    expect(result.usage['peer-hospital1']).to.deep.equal({ cpuPercent: 15, peakRssMb: 150 });
    expect(result.peerLag).to.deep.equal({ maxBlocks: 2, meanBlocks: 0.4, samples: 20 });
    expect(result.stalls).to.deep.equal({ ioFullMs: 400, ioFullWorstSecondMs: 30, cpuSomeMs: 4000 });
    expect(result.window.peers.map((s) => s.value)).to.deep.equal([5, 5]);
    expect(() => merged([])).to.throw('at least one segment');
  });
});
