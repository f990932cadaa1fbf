/**
 * The load generator: a closed loop (a fixed number of clients, each submitting its next operation when the
 * previous one has committed) and an open loop at a fixed rate. Every in-flight operation holds a slot number
 * that no other in-flight operation holds, so a workload can give each slot its own policy and concurrent
 * settlements never contend for one accumulator key.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sample } from './stats';

/** One operation on slot `slot`; resolves with the number of items it recorded, throws when it failed. */
export type Operation = (slot: number) => Promise<number>;

/** A short, stable description of a failure for the error counts. */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; transactionCode?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.transactionCode === 'string') return e.transactionCode;
  // fabric-network puts each peer's answer on the lines after "No valid responses from any peers. Errors:".
  const lines = String(e?.message ?? error)
    .split('\n')
    .map((line) => line.trim());
  return (lines[0].endsWith('Errors:') && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0]).slice(0, 200);
}

async function timed(operation: Operation, slot: number): Promise<Sample> {
  const start = performance.now();
  try {
    const items = await operation(slot);
    return { start, end: performance.now(), ok: true, items };
  } catch (error) {
    return { start, end: performance.now(), ok: false, items: 0, error: errorCode(error) };
  }
}

/** `concurrency` clients submit back to back for `durationMs`; operations in flight then finish. */
export async function closedLoop(
  operation: Operation,
  concurrency: number,
  durationMs: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const end = performance.now() + durationMs;
  const client = async (slot: number): Promise<void> => {
    while (performance.now() < end) samples.push(await timed(operation, slot));
  };
  await Promise.all(Array.from({ length: concurrency }, (_, slot) => client(slot)));
  return samples;
}

/**
 * Submits at `rate` operations per second for `durationMs`, whatever the latency (an open loop, as a
 * fixed-rate Caliper round), with at most `maxInFlight` outstanding: beyond that a submission waits for a slot,
 * which shows up as a send rate below the target. Submissions go to `operations` in turn, so several paths
 * share one load and one moment; the samples come back per operation.
 */
export async function fixedRate(
  operations: readonly Operation[],
  rate: number,
  durationMs: number,
  maxInFlight: number,
): Promise<Sample[][]> {
  const samples: Sample[][] = operations.map(() => []);
  const free = Array.from({ length: maxInFlight }, (_, slot) => maxInFlight - 1 - slot);
  const running = new Set<Promise<void>>();
  const origin = performance.now();
  for (let i = 0; i < (rate * durationMs) / 1000; i++) {
    const due = origin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (free.length === 0) await Promise.race(running);
    const slot = free.pop() as number;
    const path = i % operations.length;
    const task = timed(operations[path], slot).then((sample) => {
      samples[path].push(sample);
      free.push(slot);
      running.delete(task);
    });
    running.add(task);
  }
  await Promise.all(running);
  return samples;
}

/** Runs `task` over `items` with at most `limit` at a time (setup work). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
