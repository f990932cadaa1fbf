/**
 * npm run bench:scale (through bench/run.sh --scale): whether audit reads cost what their answer costs, not what
 * the ledger holds. Loads settlements in batches through the gateways up to each size (10,000 then 100,000 by
 * default), and at each size times the same reads: one hospital's reconciliation for one month, a statement, a page
 * of alerts and a page of listings. The measured month is filled only while loading the first size; later
 * settlements fall in the other months, so at every size the answers are the same and only the ledger grows.
 * Also reports how much disk the peers and the orderer use per 10,000 settlements.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { metricsUrl, readTopology } from '../../network/profiles/topology';
import { DirectConnections } from './fabric';
import { Gateways, type GatewayProcess } from './gateways';
import { HttpClient } from './http-client';
import { gitCommit, machineFacts, machineSpeed } from './machine';
import { waitForEqualHeights, waitForGossip } from './prometheus';
import { latencySummary, round, type LatencySummary } from './stats';
import { runCommand } from './options';
import { httpItem, nextPolicy, seedPool, type PoolEntry } from './workloads';

const ROOT = resolve(__dirname, '../..');
const log = (message: string): void => console.log(`[scale] ${message}`);

export const SCALE_USAGE = `usage: npm run bench:scale -- [options]
  --sizes 10000,100000     ledger sizes (settlements) at which the reads are timed, ascending
  --samples N              timed requests per read and size (default 200, after 20 unmeasured)
  --concurrency N          clients loading batches of 100 (default 16)
  --out FILE               results file (default bench/results/scale-<date>-<commit>.json)`;

/** Discharge dates fall in the months of this year; MEASURED_MONTH only while loading the first size. */
const YEAR = '2025';
const MEASURED_MONTH = `${YEAR}-07`;
const BATCH = 100;
/** One item in this many reuses an invoice the same client sent a batch earlier: a DUPLICATE_INVOICE alert. */
const DUPLICATE_EVERY = 100;
const PAGE = 50;

interface Read {
  name: string;
  org: string;
  path: string;
  /** What the answer holds, to show it is the same at every size. */
  size: (body: unknown) => number;
}

const READS: Read[] = [
  {
    name: 'reconciliation, one hospital, one month',
    org: 'regulator',
    path: `/v1/audit/reconciliation?hospital=Hospital1MSP&from=${MEASURED_MONTH}-01&to=${MEASURED_MONTH}-31`,
    size: (body) => (body as { count: number }).count,
  },
  {
    name: 'statement, one pair, one month',
    org: 'hospital1',
    path: `/v1/statements/Hospital1MSP/Insurer1MSP/${MEASURED_MONTH}`,
    size: (body) => (body as { totals: { count: number } }).totals.count,
  },
  {
    name: `page of ${PAGE} alerts`,
    org: 'hospital1',
    path: `/v1/alerts?limit=${PAGE}`,
    size: (body) => (body as { items: unknown[] }).items.length,
  },
  {
    name: `page of ${PAGE} settlements`,
    org: 'hospital1',
    path: `/v1/settlements?limit=${PAGE}&status=AWAITING_PAYOUT`,
    size: (body) => (body as { items: unknown[] }).items.length,
  },
];

interface Options {
  sizes: number[];
  samples: number;
  concurrency: number;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      samples: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '16' },
      out: { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((n, i) => !Number.isInteger(n) || n < BATCH || (i > 0 && n <= sizes[i - 1])))
    throw new Error(`--sizes must be ascending whole numbers of at least ${BATCH}`);
  const samples = Number(values.samples);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(samples) || samples < 10) throw new Error('--samples must be a whole number from 10');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new Error('--concurrency must be from 1 to 64');
  return { sizes, samples, concurrency, out: values.out };
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
const OTHER_MONTHS = MONTHS.filter((month) => month !== MEASURED_MONTH);

/** The months settlements are spread over: all twelve while the measured one fills, then the eleven others. */
function dateOf(n: number, measuredMonthOpen: boolean): string {
  const months = measuredMonthOpen ? MONTHS : OTHER_MONTHS;
  const month = months[n % months.length];
  return `${month}-${String(1 + (Math.floor(n / months.length) % 28)).padStart(2, '0')}`;
}

/**
 * Loads batches of BATCH through the hospitals' gateways, `concurrency` clients back to back, until the ledger
 * holds `target` items (settlements, and the one in DUPLICATE_EVERY refused with an alert: each client reuses an
 * invoice of its previous batch that often).
 */
class Loader {
  recorded = 0;
  alerts = 0;
  private dated = 0;
  private readonly lastInvoices = new Map<number, string[]>();

  constructor(
    private readonly pool: PoolEntry[],
    private readonly gateways: Gateways,
    private readonly http: HttpClient,
  ) {}

  async loadTo(target: number, concurrency: number, measuredMonthOpen: boolean) {
    const started = performance.now();
    const before = { recorded: this.recorded, alerts: this.alerts };
    const latencies: number[] = [];
    // A client sends a batch only if the batches in flight may still fall short of the target.
    let claimed = this.recorded;
    const client = async (slot: number): Promise<void> => {
      while (claimed < target) {
        claimed += BATCH;
        const start = performance.now();
        await this.batch(slot, measuredMonthOpen);
        latencies.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => client(slot)));
    const seconds = (performance.now() - started) / 1000;
    const settlements = this.recorded - before.recorded;
    return {
      settlements,
      alerts: this.alerts - before.alerts,
      seconds: round(seconds),
      itemsPerSecond: round(settlements / seconds),
      batchLatencyMs: latencySummary(latencies),
    };
  }

  private async batch(slot: number, measuredMonthOpen: boolean): Promise<void> {
    const entry = this.pool[slot];
    const policy = nextPolicy(entry);
    const earlier = this.lastInvoices.get(slot) ?? [];
    const items = Array.from({ length: BATCH }, (_, i) => {
      const date = dateOf(this.dated++, measuredMonthOpen);
      const item = { ...httpItem(policy), admissionDate: date, dischargeDate: date };
      const reused = i % DUPLICATE_EVERY === 0 ? earlier[i] : undefined;
      return reused === undefined ? item : { ...item, invoiceNumber: reused };
    });
    this.lastInvoices.set(
      slot,
      items.map((item) => item.invoiceNumber),
    );
    const gateway = this.gateways.get(entry.hospital);
    const answer = await this.http.post(`${gateway.url}/v1/settlements/batch`, gateway.token, { items });
    if (answer.status !== 200)
      throw new Error(`a batch answered ${answer.status} ${JSON.stringify(answer.body)}`);
    const { results } = answer.body as { results: { status: number; body: { code?: string } }[] };
    for (const { status, body } of results) {
      if (status === 201) this.recorded++;
      else if (body.code === 'DUPLICATE_INVOICE') this.alerts++;
      else throw new Error(`a batch item answered ${status} ${body.code ?? ''}`);
    }
  }
}

/** Times `samples` requests one after another, after 20 unmeasured ones; every answer must be 200. */
async function timeRead(read: Read, gateway: GatewayProcess, samples: number) {
  const latencies: number[] = [];
  const sizes = new Set<number>();
  for (let i = 0; i < 20 + samples; i++) {
    const start = performance.now();
    const answer = await fetch(`${gateway.url}${read.path}`, {
      headers: { authorization: `Bearer ${gateway.token}` },
    });
    const body: unknown = await answer.json();
    if (i >= 20) latencies.push(performance.now() - start);
    if (answer.status !== 200)
      throw new Error(`${read.path} answered ${answer.status} ${JSON.stringify(body)}`);
    sizes.add(read.size(body));
  }
  return { answerSize: [...sizes], latencyMs: latencySummary(latencies) };
}

/** Bytes under each peer's and orderer's data directory. */
function diskUse(runDir: string): Record<string, number> {
  const data = join(runDir, 'data');
  return Object.fromEntries(
    readdirSync(data).map((node) => {
      const bytes = execFileSync('du', ['-sb', join(data, node)], { encoding: 'utf8' }).split('\t')[0];
      return [node, Number(bytes)];
    }),
  );
}

async function main(options: Options): Promise<void> {
  const topology = readTopology();
  const startedAt = new Date();
  const speed = await machineSpeed();
  const peers = topology.orgs.map((o) => metricsUrl(o.host, o.peer.operationsPort));
  const gateways = new Gateways();
  const http = new HttpClient(true);
  const seeding = new DirectConnections({ commitStrategy: 'BLOCK_STREAM', commitTimeoutSeconds: 60 });
  const steps: {
    size: number;
    load: Awaited<ReturnType<Loader['loadTo']>>;
    disk: Record<string, number>;
    reads: Record<string, { answerSize: number[]; latencyMs: LatencySummary }>;
  }[] = [];
  try {
    // A run can outlast the gateways' usual hour-long tokens.
    await gateways.start({ runDir: topology.runDir, env: {}, tokenTtlSeconds: 86_400 });
    await waitForGossip(peers);
    log(`seeding policies for ${options.concurrency} loading clients`);
    const pool = await seedPool(seeding, options.concurrency, () => waitForEqualHeights(peers));
    await seeding.close();
    const loader = new Loader(pool, gateways, http);
    for (const [index, size] of options.sizes.entries()) {
      log(`loading up to ${size} settlements in batches of ${BATCH}`);
      const load = await loader.loadTo(size, options.concurrency, index === 0);
      log(
        `loaded ${load.settlements} settlements and ${load.alerts} alerts in ${load.seconds}s ` +
          `(${load.itemsPerSecond}/s)`,
      );
      await waitForEqualHeights(peers);
      const reads: (typeof steps)[number]['reads'] = {};
      for (const read of READS) {
        reads[read.name] = await timeRead(read, gateways.get(read.org), options.samples);
        log(`${read.name}: ${JSON.stringify(reads[read.name])}`);
      }
      steps.push({ size: loader.recorded, load, disk: diskUse(topology.runDir), reads });
    }
  } finally {
    await gateways.stop();
    await seeding.close();
    http.close();
  }

  const [first, last] = [steps[0], steps[steps.length - 1]];
  const growth = Object.fromEntries(
    READS.map(({ name }) => {
      const [a, b] = [first.reads[name].latencyMs, last.reads[name].latencyMs];
      return [name, { p50: round(b.p50 / a.p50, 2), p99: round(b.p99 / a.p99, 2) }];
    }),
  );
  const per10k = Object.fromEntries(
    Object.keys(last.disk).map((node) => [
      node,
      round((((last.disk[node] - first.disk[node]) / (last.size - first.size)) * 10_000) / 2 ** 20),
    ]),
  );
  const commit = gitCommit();
  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit,
    machine: { ...machineFacts(), speed },
    settings: { ...options, batch: BATCH, duplicateEvery: DUPLICATE_EVERY, measuredMonth: MEASURED_MONTH },
    steps,
    growth,
    diskMiBPer10k: per10k,
  };
  const out =
    options.out ??
    join(ROOT, 'bench/results', `scale-${startedAt.toISOString().slice(0, 10)}-${commit.short}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\n| read | ${steps.map((s) => `p50 / p99 ms at ${s.size}`).join(' | ')} | last ÷ first |`);
  console.log(`| --- | ${steps.map(() => '---').join(' | ')} | --- |`);
  for (const { name } of READS) {
    const cells = steps.map((s) => `${s.reads[name].latencyMs.p50} / ${s.reads[name].latencyMs.p99}`);
    console.log(`| ${name} | ${cells.join(' | ')} | ${growth[name].p50} / ${growth[name].p99} |`);
  }
  for (const step of steps)
    console.log(`loading to ${step.size}: ${step.load.seconds}s, ${step.load.itemsPerSecond} settlements/s`);
  console.log(`disk per 10,000 settlements (MiB): ${JSON.stringify(per10k)}`);
  log(`results written to ${out}`);
}

// Run as a script; imported (for SCALE_USAGE) it does nothing.
if (require.main === module) runCommand('scale', SCALE_USAGE, parseOptions, main);
