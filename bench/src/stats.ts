/**
 * Summaries of a workload's samples in Hyperledger Caliper's terms: send rate over the submission window,
 * throughput as successes over the time from the first submit to the last commit, latency submit → commit.
 */

/** One operation as the load generator saw it; times in milliseconds from an arbitrary origin. */
export interface Sample {
  start: number;
  end: number;
  ok: boolean;
  /** Settlements (or pings) this operation recorded: 1 for single submissions, up to N for a batch. */
  items: number;
  /** A short error code for failures (HTTP status and problem code, or the SDK's validation code). */
  error?: string;
}

export interface LatencySummary {
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface Summary {
  operations: number;
  successes: number;
  failures: number;
  /** Items recorded by the successful operations (equal to successes except for batches). */
  items: number;
  sendRate: number;
  throughput: number;
  itemThroughput: number;
  durationSeconds: number;
  latencyMs: LatencySummary;
  errors: Record<string, number>;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Figures are kept to one decimal (or `digits`): finer than that is noise here. */
export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export function latencySummary(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return {
    min: round(sorted[0] ?? 0),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
    mean: round(mean),
  };
}

/**
 * `submitSeconds` is how long the generator kept submitting (the round's duration, all segments together): send
 * rate is operations over that window, so a round whose clients each submitted once is not reported as a burst
 * of infinite rate. A round run in several segments (in turn with other rounds) has for throughput its
 * successes over the sum of the segments' commit windows, so the pauses between them do not count.
 */
export function summarise(segments: readonly (readonly Sample[])[], submitSeconds: number): Summary {
  const samples = segments.flat();
  const ok = samples.filter((s) => s.ok);
  const commitWindow = segments.reduce((sum, segment) => sum + commitSeconds(segment), 0);
  const items = ok.reduce((sum, s) => sum + s.items, 0);
  const errors: Record<string, number> = {};
  for (const s of samples) if (!s.ok) errors[s.error ?? 'unknown'] = (errors[s.error ?? 'unknown'] ?? 0) + 1;
  return {
    operations: samples.length,
    successes: ok.length,
    failures: samples.length - ok.length,
    items,
    sendRate: submitSeconds > 0 ? round(samples.length / submitSeconds) : 0,
    throughput: commitWindow > 0 ? round(ok.length / commitWindow) : 0,
    itemThroughput: commitWindow > 0 ? round(items / commitWindow) : 0,
    durationSeconds: round(commitWindow, 2),
    latencyMs: latencySummary(ok.map((s) => s.end - s.start)),
    errors,
  };
}

/**
 * From the first submit to the last commit; a segment without a success counts from its first submit to its
 * last answer, so that merged with others it lowers the round's throughput instead of vanishing from it.
 */
function commitSeconds(samples: readonly Sample[]): number {
  if (samples.length === 0) return 0;
  const ok = samples.filter((s) => s.ok);
  const last = Math.max(...(ok.length > 0 ? ok : samples).map((s) => s.end));
  return (last - Math.min(...samples.map((s) => s.start))) / 1000;
}
