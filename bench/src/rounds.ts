/**
 * One measured round: once every peer has caught up and a short pause, a warm-up, then the workload under the
 * load generator while the processes' CPU and memory are sampled and the metrics of the gateways, peers and
 * orderers are scraped before and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Tx } from '../../chaincode/src/api';
import { closedLoop, Operation } from './load';
import { ProcessUsage, UsageSampler } from './processes';
import {
  MetricTargets,
  PeerLag,
  PeerLagSampler,
  profile,
  Profile,
  startWindow,
  waitForEqualHeights,
} from './prometheus';
import type { Round } from './report';
import { Sample, summarise } from './stats';
import type { Workload } from './workloads';

export interface MeasuredRound extends Round {
  usage: Record<string, ProcessUsage>;
  profile: Profile;
  peerLag: PeerLag;
}

/** What the gateway metrics of a workload are labelled with (transaction and HTTP route). */
const PROFILED: Record<string, { tx: string; route: string }> = {
  gateway: { tx: Tx.submitSettlement, route: '/v1/settlements' },
  gatewayBatch: { tx: Tx.submitSettlementBatch, route: '/v1/settlements/batch' },
};

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

  /** Runs `workload` under `load` (a closed or fixed-rate loop) for `seconds`. */
  async measure(
    workload: Workload,
    title: string,
    concurrency: number,
    seconds: number,
    load: (operation: Operation, ms: number) => Promise<Sample[]>,
  ): Promise<MeasuredRound> {
    // Each round starts on a quiet network: after a batch round the endorsing peers are still committing the
    // blocks they fell behind on, work that would otherwise land in this round's figures.
    await waitForEqualHeights(this.targets.peers);
    await sleep(SETTLE_MS);
    await closedLoop(workload.operation, concurrency, this.warmupSeconds * 1000);
    const endWindow = await startWindow(this.targets);
    const sampler = new UsageSampler(this.pids);
    const lag = new PeerLagSampler(this.targets.peers);
    sampler.start();
    lag.start();
    const samples = await load(workload.operation, seconds * 1000);
    const usage = sampler.stop();
    const peerLag = lag.stop();
    const window = await endWindow();
    this.check();
    const labels = PROFILED[workload.id] ?? { tx: Tx.submitSettlement, route: '' };
    const summary = summarise(samples, seconds);
    this.log(
      `${title}: ${summary.successes} ok, ${summary.failures} failed, ${summary.throughput} tx/s; ` +
        `peers' heights apart by up to ${peerLag.maxBlocks} blocks (mean ${peerLag.meanBlocks})`,
    );
    return {
      title,
      concurrency,
      itemsPerOperation: workload.itemsPerOperation,
      summary,
      usage,
      profile: profile(window, labels.tx, labels.route),
      peerLag,
    };
  }
}
