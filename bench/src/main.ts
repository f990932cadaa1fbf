/**
 * npm run bench (through bench/run.sh, which brings the bench network up first): seeds eight policies per
 * client slot, starts the bench gateways, runs the single-transaction workloads (taking turns, --cycles times),
 * the fixed-rate round, the scaling curve and then the batch workloads, prints a table and writes the results
 * JSON (the chart is drawn from it by bench/chart.py).
 */
import { execFileSync } from 'node:child_process';
import { constants as os } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { metricsUrl, readTopology } from '../../network/profiles/topology';
import { DirectAgents, type DirectClient } from './direct-agents';
import { DirectConnections } from './fabric';
import { Gateways } from './gateways';
import { HttpClient } from './http-client';
import { gitCommit, loadAverage, machineFacts, machineSpeed } from './machine';
import { Options, parseOptions, runCommand, USAGE, WorkloadId } from './options';
import { networkProcesses } from './processes';
import { waitForEqualHeights, waitForGossip } from './prometheus';
import { cpuMsPerItem, cycleLines, ratios, table, targetLines, targets } from './report';
import { round } from './stats';
import { MeasuredRound, RoundRunner, type Segment } from './rounds';
import { HOSPITALS, seedPool, workloads } from './workloads';

const ROOT = resolve(__dirname, '../..');
/** Unmeasured load of each single-transaction workload before the first round. */
const WARM_UP_SECONDS = 15;
const log = (message: string): void => console.log(`[bench] ${message}`);

/** Block cutting and Raft options as the bench network's channel was created with them. */
function channelSettings(runDir: string): string[] {
  const configtx = readFileSync(join(runDir, 'channel/configtx.yaml'), 'utf8');
  return configtx
    .split('\n')
    .filter((line) => /BatchTimeout|BatchSize|Options:|TickInterval|ElectionTick|SnapshotInterval/.test(line))
    .map((line) => line.trim());
}

/** The scaling chart beside the JSON, by bench/chart.py in the Python that bench/run.sh prepared. */
function drawChart(resultsFile: string, hasScaling: boolean): void {
  const python = process.env.BENCH_PYTHON;
  if (!python || !hasScaling) return log('no chart (no BENCH_PYTHON with matplotlib, or no scaling round)');
  const png = resultsFile.replace(/\.json$/, '') + '.png';
  execFileSync(python, [join(ROOT, 'bench/chart.py'), resultsFile, png], { stdio: 'inherit' });
  log(`chart written to ${png}`);
}

type FixedRound = MeasuredRound & { rate: number };

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

async function main(options: Options): Promise<void> {
  const topology = readTopology();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  // Timed before the gateways start, on a network that has done nothing yet.
  const speed = await machineSpeed();
  log(
    `machine speed (ms, lower is faster): SHA-256 of ${speed.work.hashMiB} MiB ${speed.sha256Ms.toFixed(0)}, ` +
      `${speed.work.signatures} P-256 signatures ${speed.p256SignMs.toFixed(0)}, ` +
      `${speed.work.roundTrips} loopback round trips ${speed.loopbackRoundTripsMs.toFixed(0)}`,
  );
  const seeding = new DirectConnections(options);
  const agents = new DirectAgents(options);
  const gateways = new Gateways();
  const http = new HttpClient(options.keepAlive);
  // Stopped from outside (kill, or Ctrl-C reaching this process alone), it takes its gateways down with it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void gateways.stop().finally(() => process.exit(128 + os.signals[signal])));
  }
  try {
    log('starting the bench gateways');
    await gateways.start({ runDir: topology.runDir, env: options.gatewayEnv });
    const poolSize = Math.max(options.concurrency, ...(options.scaling?.clients ?? []), 64);

    const pids: Record<string, number> = {
      ...networkProcesses(topology.runDir),
      'bench-client': process.pid,
    };
    for (const g of gateways.byOrg.values()) pids[`gateway-${g.org.id}`] = g.pid;
    const metricTargets = {
      gateways: ['hospital1', 'hospital2'].map((org) => `${gateways.get(org).url}/metrics`),
      peers: topology.orgs.map((o) => metricsUrl(o.host, o.peer.operationsPort)),
      orderers: topology.orderers.map((o) => metricsUrl(o.host, o.operationsPort)),
    };

    // A fresh network's peers take a few seconds to find each other; discovery misses those not yet found.
    await waitForGossip(metricTargets.peers);
    log(`seeding products, policies and consents for ${poolSize} client slots`);
    const pool = await seedPool(seeding, poolSize, () => waitForEqualHeights(metricTargets.peers));
    let direct: DirectClient = seeding;
    if (!options.directInProcess) {
      // Closed first, so that its connections' block streams cost nothing during the rounds.
      await seeding.close();
      await agents.start(HOSPITALS);
      Object.assign(pids, agents.pids());
      direct = agents;
    }
    const all = workloads({ pool, direct, gateways, http, batchSize: options.batchSize });

    const runner = new RoundRunner(metricTargets, pids, options.warmupSeconds, log, () => {
      gateways.assertRunning();
      agents.assertRunning();
    });

    const rounds: Partial<Record<WorkloadId, MeasuredRound>> = {};
    // Batches go last: their tens of thousands of records grow the peers' state databases, whose compactions
    // then slow every later round (the 16-client scaling point fell from 45 to 30 tps when it ran after them).
    const [singles, batches] = partition(options.workloads, (id) => all[id].itemsPerOperation === 1);
    // Seeding goes through the direct client only, so the gateways' code, connections and caches start cold:
    // without this the first gateway segment of a run measured 0.78 of direct, the three after it 0.90 to 0.93.
    for (const id of singles) {
      log(`warming up: ${all[id].title}, ${options.concurrency} clients for ${WARM_UP_SECONDS}s, unmeasured`);
      await runner.warmUp(all[id], options.concurrency, WARM_UP_SECONDS);
    }
    // The single-transaction rounds take turns in short segments, so that a change in the machine's speed
    // during the run falls on each of them alike; each cycle's ratios show how much they moved.
    const { cycles } = options;
    const seconds = options.durationSeconds / cycles;
    const segments: Segment[][] = singles.map(() => []);
    const perCycle: ReturnType<typeof ratios>[] = [];
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const thisCycle: Partial<Record<WorkloadId, MeasuredRound>> = {};
      // Every other cycle in reverse order, so that a slowdown at the same point of every run does not always fall
      // on the same round (in the first four cycled runs the fourth direct segment was the slowest each time).
      const order = cycle % 2 === 1 ? [...singles.keys()] : [...singles.keys()].reverse();
      for (const i of order) {
        const id = singles[i];
        const w = all[id];
        const part = cycles > 1 ? `, cycle ${cycle} of ${cycles}` : '';
        log(`round ${w.title}${part}: ${options.concurrency} clients for ${seconds}s`);
        const segment = await runner.segment(w, options.concurrency, seconds);
        segments[i].push(segment);
        thisCycle[id] = runner.round(w, `${w.title}${part}`, options.concurrency, [segment]);
        runner.report(thisCycle[id]);
      }
      perCycle.push(ratios(thisCycle));
    }
    for (const [i, id] of singles.entries()) {
      rounds[id] = runner.round(all[id], all[id].title, options.concurrency, segments[i]);
      if (cycles > 1) runner.report(rounds[id]);
    }

    // One offered rate, every other settlement through the gateway and the rest directly: below saturation the
    // latencies then differ by what the gateway adds, where in a closed loop they differ by the throughput gap
    // (p50 ≈ clients ÷ throughput), and in two rounds one after the other also by whatever changed between them.
    let fixed: FixedRound | undefined;
    let fixedDirect: FixedRound | undefined;
    if (options.fixedRate) {
      const { durationSeconds: seconds } = options.fixedRate;
      const measured = rounds.gateway?.summary.throughput ?? 10;
      const rate =
        options.fixedRate.rate ?? Math.max(1, Math.round(measured * options.fixedRate.fractionOfGateway));
      const paths = options.workloads.includes('direct') ? [all.gateway, all.direct] : [all.gateway];
      const vias = ['HTTP gateway', 'fabric-network'].slice(0, paths.length);
      log(`fixed-rate round: ${rate} settlements/s, in turn via ${vias.join(' and ')}, for ${seconds}s`);
      const titles = vias.map(
        (via) => `fixed rate ${rate}/s${paths.length > 1 ? ', in turn' : ''}, via ${via}`,
      );
      [fixed, fixedDirect] = (await runner.measureInterleaved(paths, titles, rate, seconds)).map((round) => ({
        rate,
        ...round,
      }));
    }

    const scaling: MeasuredRound[] = [];
    const { clients: counts, durationSeconds } = options.scaling ?? { clients: [], durationSeconds: 0 };
    for (const clients of counts) {
      log(`scaling: ${clients} client(s) via the gateway for ${durationSeconds}s`);
      const title = `scaling: ${clients} client(s), gateway`;
      scaling.push(await runner.measure(all.gateway, title, clients, durationSeconds));
    }

    for (const id of batches) {
      const w = all[id];
      log(`round ${w.title}: ${options.concurrency} clients for ${options.durationSeconds}s`);
      rounds[id] = await runner.measure(w, w.title, options.concurrency, options.durationSeconds);
    }

    const ratioValues = ratios(rounds, fixed, fixedDirect);
    const cpuPerSettlement = rounds.gateway ? cpuMsPerItem(rounds.gateway) : {};
    const targetList = targets(ratioValues, rounds, fixed?.summary);
    const commit = gitCommit();
    const results = {
      label: options.label,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit,
      machine: { ...machineFacts(), speed },
      loadAverage: { before: loadBefore, after: loadAverage() },
      settings: {
        options,
        channel: channelSettings(topology.runDir),
        orderers: topology.orderers.length,
        organisations: topology.orgs.length,
      },
      cpuMsPerSettlement: cpuPerSettlement,
      rounds,
      fixedRate: fixed,
      fixedRateDirect: fixedDirect,
      scaling,
      ratios: ratioValues,
      ratiosPerCycle: perCycle,
      targets: targetList,
    };
    const out =
      options.out ??
      join(ROOT, 'bench/results', `${startedAt.toISOString().slice(0, 10)}-${commit.short}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

    const rows = [
      ...Object.values(rounds),
      ...[fixed, fixedDirect].filter((r) => r !== undefined),
      ...scaling,
    ];
    console.log(`\n${table(rows)}\n`);
    const gatewayUse = Object.entries(rows[0]?.usage ?? {}).filter(([name]) =>
      name.startsWith('gateway-hospital'),
    );
    for (const [name, use] of gatewayUse) {
      console.log(
        `${name} during "${rows[0].title}": peak RSS ${use.peakRssMb} MB, CPU ${use.cpuPercent}% of a core`,
      );
    }
    if (rounds.gateway) {
      const total = round(
        Object.values(cpuPerSettlement).reduce((sum, ms) => sum + ms, 0),
        1,
      );
      console.log(
        `\nCPU per settlement through the gateway, ${topology.orgs.length} organisations (ms): ${total} in all; ` +
          Object.entries(cpuPerSettlement)
            .map(([name, ms]) => `${name} ${ms}`)
            .join(', '),
      );
    }
    console.log(`\nratios: ${JSON.stringify(ratioValues)}`);
    if (cycles > 1) console.log(`ratios per cycle:\n${cycleLines(perCycle)}`);
    console.log(`targets:\n${targetLines(targetList)}\n`);
    log(`results written to ${out}`);
    drawChart(out, scaling.length > 0);
  } finally {
    await gateways.stop();
    await seeding.close();
    await agents.close();
    http.close();
  }
}

runCommand('bench', USAGE, parseOptions, main);
