/**
 * A measured round: once every peer has caught up and a short pause, a warm-up, then the workload (or several,
 * taking turns in one open loop) under the load generator while the processes' CPU and memory are sampled and
 * the metrics of the gateways, peers and orderers are scraped before and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Tx } from '../../chaincode/src/api';
import { closedLoop, fixedRate } from './load';
import { ProcessUsage, UsageSampler } from './processes';
import {
  MetricTargets,
  PeerLag,
  PeerLagSampler,
  profile,
  Profile,
  startWindow,
  type Window,
  waitForEqualHeights,
} from './prometheus';
import type { Round } from './report';
import { addStalls, StallSampler, type Stalls } from './stalls';
import { round, Sample, summarise } from './stats';
import type { Workload } from './workloads';

export interface MeasuredRound extends Round {
  usage: Record<string, ProcessUsage>;
  profile: Profile;
  peerLag: PeerLag;
  /** Absent where the kernel reports no pressure stalls. */
  stalls?: Stalls;
}

/** What the gateway metrics of a workload are labelled with (transaction and HTTP route). */
const PROFILED: Record<string, { tx: string; route: string }> = {
  gateway: { tx: Tx.submitSettlement, route: '/v1/settlements' },
  gatewayBatch: { tx: Tx.submitSettlementBatch, route: '/v1/settlements/batch' },
};

/** The open loop's limit on operations outstanding (a Caliper fixed-rate round has none; 64 bounds memory). */
const MAX_IN_FLIGHT = 64;

/** One observation window: the samples of each workload run in it, and what the processes and peers did. */
interface Observed {
  samples: Sample[][];
  usage: Record<string, ProcessUsage>;
  peerLag: PeerLag;
  stalls?: Stalls;
  window: Window;
}

/** One workload's part of an observation window; a round is one or several of them. */
export interface Segment extends Omit<Observed, 'samples'> {
  samples: Sample[];
  seconds: number;
}

/**
 * Segments merged: CPU weighted by each segment's length, peak memory, the peers' largest lag, stalls and
 * metrics summed.
 */
export function merged(segments: readonly Segment[]): Omit<Segment, 'samples' | 'seconds'> {
  if (segments.length === 0) throw new Error('a round needs at least one segment');
  const seconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  const usage: Record<string, ProcessUsage> = {};
  for (const name of Object.keys(segments[0].usage)) {
    const cpu = segments.reduce((sum, s) => sum + s.usage[name].cpuPercent * s.seconds, 0) / seconds;
    usage[name] = {
      cpuPercent: round(cpu),
      peakRssMb: Math.max(...segments.map((s) => s.usage[name].peakRssMb)),
    };
  }
  const lags = segments.map((s) => s.peerLag);
  const samples = lags.reduce((sum, l) => sum + l.samples, 0);
  const lagSum = lags.reduce((sum, l) => sum + l.meanBlocks * l.samples, 0);
  const peerLag = {
    maxBlocks: Math.max(...lags.map((l) => l.maxBlocks)),
    meanBlocks: round(lagSum / (samples || 1)),
    samples,
  };
  // A profile sums each metric's changes over the window's series, so the segments' series together are one window.
  const window: Window = {
    gateways: segments.flatMap((s) => s.window.gateways),
    peers: segments.flatMap((s) => s.window.peers),
    orderers: segments.flatMap((s) => s.window.orderers),
  };
  return { usage, peerLag, stalls: addStalls(segments.map((s) => s.stalls)), window };
}

/** Pause once every peer has caught up, for the background work of the last commits (LevelDB compaction). */
const SETTLE_MS = 3000;

export class RoundRunner {
  constructor(
    private readonly targets: MetricTargets,
    private readonly pids: Record<string, number>,
    private readonly warmupSeconds: number,
    private readonly log: (message: string) => void,
    /** Throws when the round's figures cannot be trusted (a process under test has gone). */
    private readonly check: () => void,
  ) {}

  /** Runs `workload` in a closed loop of `concurrency` clients for `seconds`. */
  async measure(
    workload: Workload,
    title: string,
    concurrency: number,
    seconds: number,
  ): Promise<MeasuredRound> {
    const round = this.round(workload, title, concurrency, [
      await this.segment(workload, concurrency, seconds),
    ]);
    this.report(round);
    return round;
  }

  /** Unmeasured closed-loop load, e.g. to bring processes that the setup did not use up to speed. */
  async warmUp(workload: Workload, concurrency: number, seconds: number): Promise<void> {
    await closedLoop(workload.operation, concurrency, seconds * 1000);
    this.check();
  }

  /** One closed-loop segment of a round that runs in several, in turn with other rounds. */
  async segment(workload: Workload, concurrency: number, seconds: number): Promise<Segment> {
    const { samples, ...observed } = await this.observe([workload], concurrency, seconds, async (ms) => [
      await closedLoop(workload.operation, concurrency, ms),
    ]);
    return { samples: samples[0], seconds, ...observed };
  }

  /**
   * Runs `workloads` as one open loop at `rate` operations per second for `seconds`, each submission going to
   * the next workload in turn, so that every workload meets the network at the same moments (the same
   * compactions, the same database size). One round per workload; all share the window's usage and profile.
   */
  async measureInterleaved(
    workloads: readonly Workload[],
    titles: readonly string[],
    rate: number,
    seconds: number,
  ): Promise<MeasuredRound[]> {
    const operations = workloads.map((w) => w.operation);
    const { samples, ...observed } = await this.observe(workloads, MAX_IN_FLIGHT, seconds, (ms) =>
      fixedRate(operations, rate, ms, MAX_IN_FLIGHT),
    );
    return workloads.map((w, i) => {
      const round = this.round(w, titles[i], MAX_IN_FLIGHT, [{ samples: samples[i], seconds, ...observed }]);
      this.report(round);
      return round;
    });
  }

  /** The round made of `segments` of `workload` (one, or several run in turn with other rounds). */
  round(workload: Workload, title: string, concurrency: number, segments: readonly Segment[]): MeasuredRound {
    const labels = PROFILED[workload.id] ?? { tx: Tx.submitSettlement, route: '' };
    const seconds = segments.reduce((sum, s) => sum + s.seconds, 0);
    const summary = summarise(
      segments.map((s) => s.samples),
      seconds,
    );
    const { usage, peerLag, stalls, window } = merged(segments);
    return {
      title,
      concurrency,
      itemsPerOperation: workload.itemsPerOperation,
      summary,
      usage,
      profile: profile(window, labels.tx, labels.route),
      peerLag,
      stalls,
    };
  }

  report({ title, summary, peerLag, stalls }: MeasuredRound): void {
    const stood = stalls
      ? `; the machine stood waiting for its disk ${stalls.ioFullMs} ms (at most ${stalls.ioFullWorstSecondMs} in a second)`
      : '';
    this.log(
      `${title}: ${summary.successes} ok, ${summary.failures} failed, ${summary.throughput} tx/s; ` +
        `peers' heights apart by up to ${peerLag.maxBlocks} blocks (mean ${peerLag.meanBlocks})${stood}`,
    );
  }

  private async observe(
    workloads: readonly Workload[],
    concurrency: number,
    seconds: number,
    load: (ms: number) => Promise<Sample[][]>,
  ): Promise<Observed> {
    // Each round starts on a quiet network: after a batch round the endorsing peers are still committing the
    // blocks they fell behind on, work that would otherwise land in this round's figures.
    await waitForEqualHeights(this.targets.peers);
    await sleep(SETTLE_MS);
    for (const w of workloads) await closedLoop(w.operation, concurrency, this.warmupSeconds * 1000);
    const endWindow = await startWindow(this.targets);
    const sampler = new UsageSampler(this.pids);
    const lag = new PeerLagSampler(this.targets.peers);
    const stallSampler = new StallSampler();
    sampler.start();
    lag.start();
    stallSampler.start();
    const samples = await load(seconds * 1000);
    const usage = sampler.stop();
    const peerLag = lag.stop();
    const stalls = stallSampler.stop();
    const window = await endWindow();
    this.check();
    return { samples, usage, peerLag, stalls, window };
  }
}
