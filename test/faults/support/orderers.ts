/** The Raft ordering service of the fault instance, as its orderers' Prometheus metrics describe it. */
import { metricsUrl, type OrdererNode } from '../../../network/profiles/topology';
import { topology } from './instance';

async function isLeader(orderer: OrdererNode): Promise<boolean> {
  try {
    const res = await fetch(metricsUrl(orderer.host, orderer.operationsPort), {
      signal: AbortSignal.timeout(2000),
    });
    return /^consensus_etcdraft_is_leader\{channel="settlement"\} 1$/m.test(await res.text());
  } catch {
    return false; // a stopped orderer leads nothing
  }
}

/** The orderer that currently leads the channel's Raft cluster, if any. */
export async function raftLeader(): Promise<OrdererNode | undefined> {
  const orderers = topology().orderers;
  const leading = await Promise.all(orderers.map(isLeader));
  return orderers.find((_, i) => leading[i]);
}

export function orderers(): OrdererNode[] {
  return topology().orderers;
}
