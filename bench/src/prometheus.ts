/**
 * Where a settlement's time goes, from Prometheus metrics scraped before and after a workload: the gateway's
 * own histograms (HTTP request, endorsers query, submit, commit wait), the peers' (endorsement, block
 * validation and commit) and the orderer's (broadcast, block cutting, Raft persistence). Each figure is the
 * mean over the workload: Δsum ÷ Δcount of the histogram, in milliseconds.
 *
 * The text format is parsed here because no npm parser fits: parse-prometheus-text-format 1.1.1 drops the _sum
 * and _count of labelled histograms, and prom2javascript 0.2.0 rejects a whole scrape over one NaN sample
 * (prom-client writes "Nan" for an idle event-loop gauge), and prom-client itself only writes the format.
 */
import { round } from './stats';

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

type Scrape = Map<string, Series>;

function parse(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    series.set(match[1] + (match[2] ?? ''), { name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}

async function scrape(url: string): Promise<Scrape> {
  try {
    return parse(await (await fetch(url)).text());
  } catch {
    return new Map();
  }
}

/** What changed between two scrapes of the same targets. */
function delta(before: Scrape, after: Scrape): Series[] {
  return [...after].map(([key, s]) => ({ ...s, value: s.value - (before.get(key)?.value ?? 0) }));
}

type Filter = Record<string, string>;
const matches = (s: Series, name: string, filter: Filter): boolean =>
  s.name === name && Object.entries(filter).every(([k, v]) => s.labels[k] === v);

function total(series: Series[], name: string, filter: Filter = {}): number {
  return series.filter((s) => matches(s, name, filter)).reduce((sum, s) => sum + s.value, 0);
}

/** Mean of a histogram over the window, in ms (seconds-based histograms), and how many observations. */
function mean(series: Series[], name: string, filter: Filter = {}): { ms: number; count: number } {
  const count = total(series, `${name}_count`, filter);
  const ms = count > 0 ? (1000 * total(series, `${name}_sum`, filter)) / count : 0;
  return { ms: round(ms, 2), count };
}

export interface MetricTargets {
  gateways: string[];
  peers: string[];
  orderers: string[];
}

export type Window = { gateways: Series[]; peers: Series[]; orderers: Series[] };

/** Scrapes every target now; call the returned function after the workload to get the window's changes. */
export async function startWindow(targets: MetricTargets): Promise<() => Promise<Window>> {
  const all = (urls: string[]): Promise<Scrape[]> => Promise.all(urls.map(scrape));
  const [g, p, o] = await Promise.all([all(targets.gateways), all(targets.peers), all(targets.orderers)]);
  return async () => {
    const [g2, p2, o2] = await Promise.all([
      all(targets.gateways),
      all(targets.peers),
      all(targets.orderers),
    ]);
    const changes = (before: Scrape[], after: Scrape[]): Series[] =>
      after.flatMap((scrapeAfter, i) => delta(before[i], scrapeAfter));
    return { gateways: changes(g, g2), peers: changes(p, p2), orderers: changes(o, o2) };
  };
}

const CHANNEL = { channel: 'settlement' };

/** One channel metric of every peer, in the order of `peerUrls` (0 for a peer that did not answer). */
async function peerValues(peerUrls: string[], metric: string): Promise<number[]> {
  return (await Promise.all(peerUrls.map(scrape))).map((s) => total([...s.values()], metric, CHANNEL));
}

/** Polls one metric of every peer until `ready` holds for the values, or fails with `what` after a timeout. */
async function waitForPeers(
  peerUrls: string[],
  metric: string,
  ready: (values: number[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const values = await peerValues(peerUrls, metric);
    if (ready(values)) return;
    if (Date.now() > deadline) throw new Error(`${what} (${metric}: ${values.join(', ')})`);
    await new Promise((resolveLater) => setTimeout(resolveLater, 200));
  }
}

/** How far the peers' committed heights drift apart during a round: blocks between the highest and lowest. */
export interface PeerLag {
  maxBlocks: number;
  meanBlocks: number;
  samples: number;
}

/**
 * Samples every peer's height every `intervalMs` from start() until stop(). A peer busy endorsing commits late
 * (each simulation holds its state lock's read side, each block commit the write side), and an endorsement on a
 * lagging peer differs from one on an up-to-date peer: this shows how often that can happen.
 */
export class PeerLagSampler {
  private timer?: NodeJS.Timeout;
  private spreads: number[] = [];

  constructor(
    private readonly peerUrls: string[],
    private readonly intervalMs = 2000,
  ) {}

  private async sample(): Promise<void> {
    const heights = await peerValues(this.peerUrls, 'ledger_blockchain_height');
    if (heights.every((h) => h > 0)) this.spreads.push(Math.max(...heights) - Math.min(...heights));
  }

  start(): void {
    this.spreads = [];
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): PeerLag {
    clearInterval(this.timer);
    const n = this.spreads.length;
    const sum = this.spreads.reduce((a, b) => a + b, 0);
    return {
      maxBlocks: n > 0 ? Math.max(...this.spreads) : 0,
      meanBlocks: n > 0 ? round(sum / n) : 0,
      samples: n,
    };
  }
}

/** Until every peer has committed the same blocks: records written on one are then on all of them. */
export const waitForEqualHeights = (peerUrls: string[]): Promise<void> =>
  waitForPeers(
    peerUrls,
    'ledger_blockchain_height',
    (h) => new Set(h).size === 1,
    "the peers' heights differ",
    30_000,
  );

/** Until every peer knows every other one through gossip: discovery answers from that membership. */
export const waitForGossip = (peerUrls: string[]): Promise<void> =>
  waitForPeers(
    peerUrls,
    'gossip_membership_total_peers_known',
    (known) => known.every((n) => n >= peerUrls.length - 1),
    'the peers do not all know each other yet',
    60_000,
  );

/** The window's figures for transaction `tx` (sent by the gateway on `route`, when through HTTP). */
export function profile(window: Window, tx: string, route: string) {
  const { gateways, peers, orderers } = window;
  const ledger = (filter: Filter) =>
    mean(gateways, 'gateway_ledger_duration_seconds', { tx, outcome: 'ok', ...filter });
  const blocks = total(peers, 'ledger_block_processing_time_count', CHANNEL);
  const transactions = total(peers, 'ledger_transaction_count', { chaincode: 'settlement:1.0' });
  return {
    gateway: {
      httpRequest: mean(gateways, 'gateway_http_request_duration_seconds', { method: 'POST', route }),
      endorsersQuery: mean(gateways, 'gateway_ledger_duration_seconds', {
        tx: 'Settlements:endorsers',
        phase: 'evaluate',
      }),
      submit: ledger({ phase: 'submit' }),
      commitWait: ledger({ phase: 'commit' }),
      // Re-runs after a read conflict or an endorsement mismatch, and resubmits after an unknown outcome.
      retries: total(gateways, 'gateway_ledger_retries_total', { tx }),
    },
    peers: {
      proposal: mean(peers, 'endorser_proposal_duration', { chaincode: 'settlement', success: 'true' }),
      blockProcessing: mean(peers, 'ledger_block_processing_time', CHANNEL),
      blockstorageCommit: mean(peers, 'ledger_blockstorage_commit_time', CHANNEL),
      statedbCommit: mean(peers, 'ledger_statedb_commit_time', CHANNEL),
      transactionsPerBlock: blocks > 0 ? round(transactions / blocks) : 0,
      // Counted once by each peer.
      mvccConflicts: total(peers, 'ledger_transaction_count', {
        chaincode: 'settlement:1.0',
        validation_code: 'MVCC_READ_CONFLICT',
      }),
    },
    orderer: {
      broadcastValidate: mean(orderers, 'broadcast_validate_duration', { type: 'ENDORSER_TRANSACTION' }),
      broadcastEnqueue: mean(orderers, 'broadcast_enqueue_duration', { type: 'ENDORSER_TRANSACTION' }),
      blockFill: mean(orderers, 'blockcutter_block_fill_duration', CHANNEL),
      raftPersist: mean(orderers, 'consensus_etcdraft_data_persist_duration', CHANNEL),
      blockstorageCommit: mean(orderers, 'ledger_blockstorage_commit_time', CHANNEL),
    },
  };
}

export type Profile = ReturnType<typeof profile>;
