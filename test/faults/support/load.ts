/**
 * A steady, bounded load of settlements through the gateways, from a client that retries the same request
 * (same settlementId and content) until it is acknowledged, as the API invites: writes are idempotent, so a
 * retry after a lost answer can only return the recorded settlement. Every answer is counted by status.
 */
import type { Split } from '../../../chaincode/src/api';
import { OrgId } from './gateways';
import { call, RETRYABLE } from './http';
import { Policy, settlementBody, SettlementBody } from './scenario';
import { sleep } from './processes';

export interface LoadOptions {
  /** Which gateway sends on which policy; requests take them in turn. */
  lanes: Lane[];
  /** Settlement ids, one request each. */
  ids: string[];
  ratePerSecond: number;
  /** How long a request is retried before the client gives up on it. */
  retryForMs: number;
  /** Pause between retries of one request. */
  retryPauseMs?: number;
}

export interface Lane {
  org: OrgId;
  policy: Policy;
}

export interface Submitted {
  org: OrgId;
  body: SettlementBody;
  /** The answer that acknowledged it (201 recorded, 200 already recorded), if one came. */
  acknowledged?: { status: number; txId: string; split: Split };
}

export interface LoadResult {
  submitted: Submitted[];
  /** How many answers of each status came, over every attempt (0 = no answer). */
  statuses: Record<string, number>;
  /** Milliseconds of every answer that was not an acknowledgement, by status. */
  failureMs: Record<string, number[]>;
}

async function submitUntilAcknowledged(item: Submitted, options: LoadOptions, result: LoadResult) {
  const deadline = Date.now() + options.retryForMs;
  for (;;) {
    const answer = await call(item.org, 'POST', '/v1/settlements', item.body);
    const key = String(answer.status);
    result.statuses[key] = (result.statuses[key] ?? 0) + 1;
    if (answer.status === 200 || answer.status === 201) {
      item.acknowledged = {
        status: answer.status,
        txId: answer.body.txId,
        split: answer.body.split,
      };
      return;
    }
    (result.failureMs[key] ??= []).push(answer.ms);
    if (!RETRYABLE.has(answer.status) || Date.now() > deadline) return;
    // Jitter keeps retries of requests that failed together (e.g. on one hot key) from colliding again.
    await sleep((options.retryPauseMs ?? 500) * (1 + Math.random()));
  }
}

/** Sends one request every 1/rate seconds (without waiting for earlier answers); resolves when all are settled. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { submitted: [], statuses: {}, failureMs: {} };
  const pending: Promise<void>[] = [];
  for (const [i, id] of options.ids.entries()) {
    const lane = options.lanes[i % options.lanes.length];
    const item: Submitted = { org: lane.org, body: settlementBody(lane.policy, id) };
    result.submitted.push(item);
    pending.push(submitUntilAcknowledged(item, options, result));
    await sleep(1000 / options.ratePerSecond);
  }
  await Promise.all(pending);
  return result;
}

export function acknowledged(result: LoadResult): Submitted[] {
  return result.submitted.filter((item) => item.acknowledged);
}
