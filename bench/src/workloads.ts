/**
 * The benchmark's workloads as operations for the load generator, and the records they need: one policy
 * (product, policy, consent) per slot, so that concurrent settlements never write the same accumulator key.
 * Hot keys are the fault tests' concern; here the network's own throughput is measured.
 */
import { Tx, TxName } from '../../chaincode/src/api';
import type {
  SubmitBatchItemResult,
  SubmitSettlementBatchResult,
  SubmitSettlementRequest,
  SubmitSettlementResult,
} from '../../chaincode/src/api';
import {
  ACTOR,
  invoiceNumberFor,
  SeededPolicy,
  settlementRequest,
  sha256,
  uniqueId,
  VALIDITY,
} from '../../test/integration/support/fixtures';
import type { DirectClient } from './direct-agents';
import type { Gateways } from './gateways';
import type { HttpClient } from './http-client';
import { mapLimit, Operation } from './load';

export interface PoolEntry {
  hospital: string;
  insurer: string;
  /** MSP IDs of the hospital's and the insurer's peers, which must both endorse a settlement. */
  endorsers: string[];
  /** The slot's policies, used in turn (see POLICIES_PER_SLOT). */
  policies: SeededPolicy[];
  used: number;
}

/**
 * A slot's consecutive settlements take its policies in turn. A client waits for its own organisation's peer
 * only, so the insurer's peer may not have committed the slot's previous settlements yet; reading one of their
 * accumulators again at once would make the two endorsements differ ("Peer endorsements do not match"). Under
 * batch load a busy endorsing peer commits many blocks late (see PeerLagSampler): up to 80 batches on a fast
 * machine, more than the 64 between a slot's uses of one policy with four, hence eight.
 */
const POLICIES_PER_SLOT = 8;

export const HOSPITALS = ['hospital1', 'hospital2'];
const INSURERS = ['insurer1', 'insurer2'];
const mspOf = (org: string): string => `${org[0].toUpperCase()}${org.slice(1)}MSP`;

/** A product paying half of the in-catalogue self-pay part, so every settlement writes its accumulators. */
const PRODUCT = {
  name: 'Benchmark product',
  annualCap: 100_000_000_000,
  benefits: [{ category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 5000 }],
};

/** One slot's policy to seed: who records it and its ids. */
interface Seed {
  hospital: string;
  insurer: string;
  policy: SeededPolicy;
}

/**
 * Every write needs two organisations' peers (the chaincode's OutOf(2) policy): the slot's hospital and insurer
 * endorse each setup step. Steps run in phases (all products, then all policies, then all consents) with
 * `settle` in between, so that each step reads the previous one's records on both endorsing peers.
 */
async function seedPolicies(direct: DirectClient, seeds: Seed[], settle: () => Promise<void>): Promise<void> {
  const endorsers = (seed: Seed): string[] => [mspOf(seed.hospital), mspOf(seed.insurer)];
  const phase = async (submitter: (seed: Seed) => string, tx: TxName, request: (seed: Seed) => object) => {
    await mapLimit(seeds, 16, (seed) =>
      direct.submit(submitter(seed), tx, { actor: ACTOR, ...request(seed) }, endorsers(seed)),
    );
    await settle();
  };
  await phase(
    (s) => s.insurer,
    Tx.publishProduct,
    ({ policy }) => ({ ...PRODUCT, productId: policy.productId }),
  );
  await phase(
    (s) => s.insurer,
    Tx.registerPolicy,
    ({ policy: { productId, policyRef, patientRef } }) => ({
      productId,
      policyRef,
      patientRef,
      ...VALIDITY,
    }),
  );
  await phase(
    (s) => s.hospital,
    Tx.recordAuthorisation,
    ({ policy }) => ({
      authorisationId: uniqueId('bench-consent'),
      patientRef: policy.patientRef,
      insurer: policy.insurer,
      purpose: 'CLAIM_SETTLEMENT',
      evidenceHash: sha256('signed consent form'),
      ...VALIDITY,
    }),
  );
}

/**
 * `size` slots spread over both hospitals and both insurers, seeded through fabric-network; `settle` waits
 * until every peer has committed what was submitted so far.
 */
export async function seedPool(
  direct: DirectClient,
  size: number,
  settle: () => Promise<void>,
): Promise<PoolEntry[]> {
  const pool = Array.from({ length: size }, (_, slot): PoolEntry => {
    const hospital = HOSPITALS[slot % 2];
    const insurer = INSURERS[Math.floor(slot / 2) % 2];
    const policies = Array.from({ length: POLICIES_PER_SLOT }, () => ({
      insurer: mspOf(insurer),
      productId: uniqueId('bench-product'),
      policyRef: uniqueId('bench-policy'),
      patientRef: sha256(uniqueId('bench-patient')),
    }));
    return { hospital, insurer, endorsers: [mspOf(hospital), mspOf(insurer)], policies, used: 0 };
  });
  const seeds = pool.flatMap(({ hospital, insurer, policies }) =>
    policies.map((policy) => ({ hospital, insurer, policy })),
  );
  await seedPolicies(direct, seeds, settle);
  return pool;
}

/** The slot's next policy; a slot is never used by two operations at once, so the counter needs no lock. */
export function nextPolicy(entry: PoolEntry): SeededPolicy {
  return entry.policies[entry.used++ % entry.policies.length];
}

/** A failed operation: `code` is what the error counts show. */
class WorkloadError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** A settlement as a batch item: the batch names the actor once. */
function directItem(policy: SeededPolicy): Partial<SubmitSettlementRequest> {
  const item: Partial<SubmitSettlementRequest> = settlementRequest(policy);
  delete item.actor;
  return item;
}

/** The gateway's request body for a settlement: the invoice number in clear (the gateway hashes it). */
export function httpItem(policy: SeededPolicy) {
  const item = directItem(policy);
  delete item.invoiceHash;
  return { ...item, invoiceNumber: invoiceNumberFor(uniqueId('INV')) };
}

function requireRecorded(results: (SubmitSettlementResult | SubmitBatchItemResult)[]): number {
  const refused = results.find((r) => r.outcome !== 'RECORDED');
  if (refused) throw new WorkloadError(refused.outcome === 'REJECTED' ? refused.error.code : refused.outcome);
  return results.length;
}

function requireStatus(answer: { status: number; body: unknown }, expected: number): void {
  if (answer.status !== expected) {
    throw new WorkloadError(`HTTP ${answer.status} ${(answer.body as { code?: string })?.code ?? ''}`.trim());
  }
}

export interface WorkloadContext {
  pool: PoolEntry[];
  direct: DirectClient;
  gateways: Gateways;
  http: HttpClient;
  batchSize: number;
}

export interface Workload {
  id: string;
  title: string;
  /** Settlements (or pings) per operation. */
  itemsPerOperation: number;
  operation: Operation;
}

export function workloads(ctx: WorkloadContext): Record<string, Workload> {
  const { pool, direct, gateways, http, batchSize } = ctx;
  const batchOf = <T>(item: () => T): T[] => Array.from({ length: batchSize }, item);
  return {
    gateway: {
      id: 'gateway',
      title: 'settlement via HTTP gateway',
      itemsPerOperation: 1,
      operation: async (slot) => {
        const { hospital } = pool[slot];
        const policy = nextPolicy(pool[slot]);
        const gateway = gateways.get(hospital);
        requireStatus(await http.post(`${gateway.url}/v1/settlements`, gateway.token, httpItem(policy)), 201);
        return 1;
      },
    },
    preview: {
      id: 'preview',
      title: 'preview via HTTP gateway (evaluate, no block)',
      itemsPerOperation: 1,
      operation: async (slot) => {
        const { hospital } = pool[slot];
        const gateway = gateways.get(hospital);
        const body = httpItem(nextPolicy(pool[slot]));
        requireStatus(await http.post(`${gateway.url}/v1/settlements/preview`, gateway.token, body), 200);
        return 1;
      },
    },
    direct: {
      id: 'direct',
      title: 'settlement via fabric-network',
      itemsPerOperation: 1,
      operation: async (slot) => {
        const { hospital, endorsers } = pool[slot];
        const policy = nextPolicy(pool[slot]);
        const request = settlementRequest(policy);
        return requireRecorded([
          await direct.submit<SubmitSettlementResult>(hospital, Tx.submitSettlement, request, endorsers),
        ]);
      },
    },
    empty: {
      id: 'empty',
      title: 'empty tx (Perf:ping) via fabric-network',
      itemsPerOperation: 1,
      operation: async (slot) => {
        const { hospital, endorsers } = pool[slot];
        // The same two endorsing organisations as a settlement (the chaincode policy asks any two).
        await direct.submit(hospital, Tx.ping, { actor: ACTOR }, endorsers);
        return 1;
      },
    },
    gatewayBatch: {
      id: 'gatewayBatch',
      title: `batch of ${batchSize} via HTTP gateway`,
      itemsPerOperation: batchSize,
      operation: async (slot) => {
        const { hospital } = pool[slot];
        const policy = nextPolicy(pool[slot]);
        const gateway = gateways.get(hospital);
        const answer = await http.post(`${gateway.url}/v1/settlements/batch`, gateway.token, {
          items: batchOf(() => httpItem(policy)),
        });
        requireStatus(answer, 200);
        for (const result of (answer.body as { results: { status: number; body: unknown }[] }).results) {
          requireStatus(result, 201);
        }
        return batchSize;
      },
    },
    directBatch: {
      id: 'directBatch',
      title: `batch of ${batchSize} via fabric-network`,
      itemsPerOperation: batchSize,
      operation: async (slot) => {
        const { hospital, endorsers } = pool[slot];
        const policy = nextPolicy(pool[slot]);
        const request = { actor: ACTOR, insurer: policy.insurer, items: batchOf(() => directItem(policy)) };
        const result = await direct.submit<SubmitSettlementBatchResult>(
          hospital,
          Tx.submitSettlementBatch,
          request,
          endorsers,
        );
        return requireRecorded(result.results);
      },
    },
  };
}
