/** The run's ratios and targets, and the table printed at the end. */
import type { ProcessUsage } from './processes';
import { round, type Summary } from './stats';

export interface Round {
  title: string;
  concurrency: number;
  itemsPerOperation: number;
  summary: Summary;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

const ratio = (a: number, b: number): number => (b > 0 ? round(a / b, 2) : 0);

const addedP50 = (gateway: Round, direct: Round): number =>
  round(gateway.summary.latencyMs.p50 - direct.summary.latencyMs.p50);

/**
 * Ratios between rounds that ran; a missing round leaves its ratios out. gatewayAddedP50Ms compares the two
 * paths of the fixed-rate round, at one offered rate below saturation. The closed-loop
 * difference is kept as gatewayAddedP50MsClosedLoop: at saturation p50 ≈ clients ÷ throughput, so it is the
 * throughput gap again (a gateway at 0.9 of direct throughput "adds" 11 % to p50), not the gateway's latency.
 */
export function ratios(rounds: Record<string, Round | undefined>, fixedGateway?: Round, fixedDirect?: Round) {
  const { gateway, preview, direct, empty, gatewayBatch, directBatch } = rounds;
  const out: Record<string, number> = {};
  // A preview is an evaluation on the hospital's own peer: no endorsement by the insurer, no block to wait for.
  if (gateway && preview)
    out.previewOverSubmitP50 = ratio(preview.summary.latencyMs.p50, gateway.summary.latencyMs.p50);
  if (gateway && direct) {
    out.gatewayOverDirectThroughput = ratio(gateway.summary.throughput, direct.summary.throughput);
    out.gatewayAddedP50MsClosedLoop = addedP50(gateway, direct);
  }
  if (fixedGateway && fixedDirect) out.gatewayAddedP50Ms = addedP50(fixedGateway, fixedDirect);
  if (direct && empty)
    out.settlementOverEmptyThroughput = ratio(direct.summary.throughput, empty.summary.throughput);
  if (gateway && empty)
    out.gatewaySettlementOverEmptyThroughput = ratio(gateway.summary.throughput, empty.summary.throughput);
  if (gateway && gatewayBatch)
    out.batchOverSingleGateway = ratio(gatewayBatch.summary.itemThroughput, gateway.summary.throughput);
  if (direct && directBatch)
    out.batchOverSingleDirect = ratio(directBatch.summary.itemThroughput, direct.summary.throughput);
  return out;
}

/** Each ratio of the single-transaction rounds over their cycles, one line per ratio. */
export function cycleLines(perCycle: readonly ReturnType<typeof ratios>[]): string {
  const names = [...new Set(perCycle.flatMap((r) => Object.keys(r)))];
  return names
    .map((name) => `  ${name.padEnd(40)} ${perCycle.map((r) => r[name] ?? '-').join(', ')}`)
    .join('\n');
}

export function targets(
  r: ReturnType<typeof ratios>,
  rounds: Record<string, Round | undefined>,
  fixedRate?: Summary,
): Target[] {
  const list: Target[] = [];
  const add = (
    name: string,
    target: string,
    value: number | undefined,
    met: (v: number) => boolean,
    unit = '',
  ): void => {
    if (value !== undefined) list.push({ name, target, measured: `${value}${unit}`, met: met(value) });
  };
  add('gateway ÷ direct throughput', '≥ 0.9', r.gatewayOverDirectThroughput, (v) => v >= 0.9);
  add('gateway added p50 (same fixed rate)', '≤ 20 ms', r.gatewayAddedP50Ms, (v) => v <= 20, ' ms');
  add('settlement ÷ empty throughput', '≥ 0.5', r.settlementOverEmptyThroughput, (v) => v >= 0.5);
  add('batch ÷ single settlements/s (gateway)', '≥ 5', r.batchOverSingleGateway, (v) => v >= 5);
  const failures = Object.values(rounds).reduce((sum, round) => sum + (round?.summary.failures ?? 0), 0);
  add('failed transactions', '0', failures, (v) => v === 0);
  if (fixedRate) {
    const p99OverP50 = ratio(fixedRate.latencyMs.p99, fixedRate.latencyMs.p50);
    add('fixed-rate p99 ÷ p50', '≤ 3', p99OverP50, (v) => v <= 3);
    add('fixed-rate failures', '0', fixedRate.failures, (v) => v === 0);
  }
  return list;
}

const COLUMNS: [string, number][] = [
  ['round', 44],
  ['clients', 7],
  ['ok', 7],
  ['fail', 5],
  ['send/s', 8],
  ['tps', 8],
  ['items/s', 8],
  ['min', 7],
  ['p50', 7],
  ['p95', 7],
  ['p99', 7],
  ['max', 7],
];

export function table(rows: Round[]): string {
  const line = (cells: (string | number)[]): string =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(COLUMNS[i][1]) : String(c).padStart(COLUMNS[i][1])))
      .join(' ');
  return [
    line(COLUMNS.map(([name]) => name)) + '   (latency ms, submit → commit)',
    ...rows.map(({ title, concurrency, summary: s }) =>
      line([
        title,
        concurrency,
        s.successes,
        s.failures,
        s.sendRate,
        s.throughput,
        s.itemThroughput,
        s.latencyMs.min,
        s.latencyMs.p50,
        s.latencyMs.p95,
        s.latencyMs.p99,
        s.latencyMs.max,
      ]),
    ),
  ].join('\n');
}

export function targetLines(list: Target[]): string {
  return list
    .map(
      (t) =>
        `  ${t.met ? 'met   ' : 'MISSED'} ${t.name.padEnd(40)} target ${t.target.padEnd(9)} measured ${t.measured}`,
    )
    .join('\n');
}

/**
 * Milliseconds of CPU each network process spent per item the round committed (its mean CPU share over the
 * round ÷ items per second): how the cost of a settlement spreads over the peers, chaincode services and
 * orderers, and how it grows with the number of organisations (every peer validates and commits every block).
 */
export function cpuMsPerItem(
  measured: Round & { usage: Record<string, ProcessUsage> },
): Record<string, number> {
  const itemsPerSecond = measured.summary.throughput * measured.itemsPerOperation;
  if (itemsPerSecond <= 0) return {};
  return Object.fromEntries(
    Object.entries(measured.usage)
      .filter(([name]) => !name.startsWith('gateway-'))
      .map(([name, use]) => [name, round((use.cpuPercent * 10) / itemsPerSecond, 2)]),
  );
}
