/** The benchmark's command line. Defaults keep the whole run to a few minutes; --long multiplies durations. */
import { parseArgs } from 'node:util';
import { COMMIT_STRATEGIES, CommitStrategy } from './fabric';

export const WORKLOAD_IDS = ['gateway', 'preview', 'direct', 'empty', 'gatewayBatch', 'directBatch'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface Options {
  durationSeconds: number;
  /** The single-transaction rounds run in this many segments, in turn (gateway, direct, empty, again...). */
  cycles: number;
  concurrency: number;
  batchSize: number;
  workloads: WorkloadId[];
  fixedRate: { rate?: number; fractionOfGateway: number; durationSeconds: number } | undefined;
  scaling: { clients: number[]; durationSeconds: number } | undefined;
  warmupSeconds: number;
  commitStrategy: CommitStrategy;
  commitTimeoutSeconds: number;
  /** The direct workloads in the bench's own process instead of one process per hospital. */
  directInProcess: boolean;
  keepAlive: boolean;
  gatewayEnv: Record<string, string>;
  out?: string;
  label?: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --long                   4x longer rounds (default rounds are short, for a run of a few minutes)
  --duration S             seconds per workload round (default 15)
  --cycles N               the gateway, direct and empty rounds take turns in N segments, each 1/N of
                           the round, merged into one row per round (default 1; 4 with --long)
  --concurrency N          concurrent clients for the four workloads (default 16)
  --batch-size N           settlements per batch transaction, 1..100 (default 100)
  --only a,b               workloads to run: ${WORKLOAD_IDS.join(', ')}
  --rate R                 the fixed-rate round's R settlements/s, in turn via the gateway and directly
                           (default 0.5 x gateway tps)
  --no-fixed-rate          skip the fixed-rate round
  --scaling 1,4,16,64      client counts of the scaling curve; --no-scaling skips it
  --commit-strategy S      direct workloads' commit strategy: ${Object.keys(COMMIT_STRATEGIES).join(', ')}
  --commit-timeout S       commit timeout in seconds, direct and gateway (default 30)
  --direct-in-process      the direct workloads from the bench's own process, one fabric-network client
                           per hospital side by side, instead of one process per hospital (as the gateways)
  --no-keepalive           a new HTTP connection per gateway request
  --gateway-env K=V        extra gateway configuration (repeatable)
  --out FILE               results file (default bench/results/<date>-<commit>.json)
  --label TEXT             a note stored in the results (what this run tries)
  --keep                   (bench/run.sh) leave the bench network up afterwards`;

function positiveInt(name: string, raw: string | undefined, fallback: number, max = 100_000): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be an integer from 1 to ${max}`);
  return value;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      long: { type: 'boolean', default: false },
      duration: { type: 'string' },
      cycles: { type: 'string' },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      only: { type: 'string' },
      rate: { type: 'string' },
      'no-fixed-rate': { type: 'boolean', default: false },
      scaling: { type: 'string', default: '1,4,16,64' },
      'no-scaling': { type: 'boolean', default: false },
      'commit-strategy': { type: 'string', default: 'BLOCK_STREAM' },
      'commit-timeout': { type: 'string' },
      'direct-in-process': { type: 'boolean', default: false },
      'no-keepalive': { type: 'boolean', default: false },
      'gateway-env': { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      label: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const scale = values.long ? 4 : 1;
  const workloads = (values.only?.split(',') ?? [...WORKLOAD_IDS]) as WorkloadId[];
  const unknown = workloads.filter((w) => !WORKLOAD_IDS.includes(w));
  if (unknown.length > 0) throw new Error(`unknown workload(s): ${unknown.join(', ')}`);
  if (!(values['commit-strategy'] in COMMIT_STRATEGIES)) throw new Error('unknown --commit-strategy');
  const gatewayEnv = Object.fromEntries(
    values['gateway-env'].map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--gateway-env wants KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const commitTimeoutSeconds = positiveInt('--commit-timeout', values['commit-timeout'], 30, 600);
  const durationSeconds = positiveInt('--duration', values.duration, 15) * scale;
  const cycles = positiveInt('--cycles', values.cycles, scale, 20);
  // Each segment has its own warm-up and its own first-submit-to-last-commit window.
  if (cycles > 1 && durationSeconds / cycles < 5)
    throw new Error('--duration ÷ --cycles must be at least 5 seconds');
  return {
    durationSeconds,
    cycles,
    concurrency: positiveInt('--concurrency', values.concurrency, 16, 64),
    batchSize: positiveInt('--batch-size', values['batch-size'], 100, 100),
    workloads,
    fixedRate: values['no-fixed-rate']
      ? undefined
      : {
          rate: values.rate === undefined ? undefined : positiveInt('--rate', values.rate, 1, 10_000),
          fractionOfGateway: 0.5,
          // One round for both paths, each taking every other submission: as long as the two rounds it replaced.
          durationSeconds: 40 * scale,
        },
    scaling: values['no-scaling']
      ? undefined
      : {
          clients: values.scaling.split(',').map((n) => positiveInt('--scaling', n, 1, 64)),
          durationSeconds: 8 * scale,
        },
    warmupSeconds: 2,
    commitStrategy: values['commit-strategy'] as CommitStrategy,
    commitTimeoutSeconds,
    directInProcess: values['direct-in-process'],
    keepAlive: !values['no-keepalive'],
    gatewayEnv: { FABRIC_COMMIT_TIMEOUT_SECONDS: String(commitTimeoutSeconds), ...gatewayEnv },
    out: values.out,
    label: values.label,
  };
}

/**
 * Runs a bench command: its options parsed from the command line (wrong ones exit 2 with the usage), then `main`
 * (a failure exits 1), each reported under `[tag]`.
 */
export function runCommand<O>(
  tag: string,
  usage: string,
  parse: (argv: string[]) => O,
  main: (options: O) => Promise<void>,
): void {
  let options: O;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`[${tag}] ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  main(options).catch((error: unknown) => {
    console.error(`[${tag}] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
