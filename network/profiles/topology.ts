/**
 * The network as built, read from network/run/topology.json (written by network/up.sh): the single source of
 * organisations, endpoints, certificate files and process names for the Node tools and integration tests.
 */
import { readFileSync } from 'fs';
import type { ParticipantKind } from '../../chaincode/src/schemas';
import * as path from 'path';

/** NETWORK_RUN_DIR selects another network instance, as it does for network/up.sh. */
export const RUN_DIR = path.resolve(process.env.NETWORK_RUN_DIR ?? path.join(__dirname, '..', 'run'));

export interface UserFiles {
  certFile: string;
  keyFile: string;
}

export interface OrgNode {
  id: string;
  mspId: string;
  kind: ParticipantKind;
  /** The organisation's name in the participant registry. */
  name: string;
  /** The address of the host its peer, chaincode service and gateway run on (network/lib/hosts.sh). */
  host: string;
  /** The network namespace that is its host in NETWORK_HOSTS=netns mode; '' on loopback. */
  netns: string;
  /** Where its development gateway listens (the network's port offset included). */
  gatewayPort: number;
  peer: {
    name: string;
    /** Name of the peer's pid and log files under run/pids and run/logs. */
    process: string;
    port: number;
    operationsPort: number;
    tlsCaCertFile: string;
  };
  /** The organisation's own chaincode service, which only its peer dials. */
  chaincode: { process: string; socket: string };
  users: { client: UserFiles; admin: UserFiles };
}

export interface OrdererNode {
  name: string;
  process: string;
  host: string;
  port: number;
  operationsPort: number;
  tlsCaCertFile: string;
}

export interface Topology {
  channel: string;
  chaincode: string;
  runDir: string;
  orgs: OrgNode[];
  orderers: OrdererNode[];
}

export function readTopology(runDir: string = RUN_DIR): Topology {
  const file = path.join(runDir, 'topology.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Topology;
  } catch (err) {
    throw new Error(
      `cannot read ${file} (is the network up? run npm run network:up): ${(err as Error).message}`,
    );
  }
}

export function findOrg(topology: Topology, id: string): OrgNode {
  const org = topology.orgs.find((o) => o.id === id || o.mspId === id);
  if (!org) {
    throw new Error(`unknown organisation ${id}; known: ${topology.orgs.map((o) => o.id).join(', ')}`);
  }
  return org;
}

/** The command line that runs `argv` on the organisation's host (inside its namespace in netns mode). */
export const onHostOf = (org: OrgNode, argv: string[]): string[] =>
  org.netns ? ['ip', 'netns', 'exec', org.netns, ...argv] : argv;

/** Where the organisation's development gateway answers. */
export const gatewayUrlOf = (org: OrgNode): string => `http://${org.host}:${org.gatewayPort}`;

/** A peer's or orderer's Prometheus metrics. */
export const metricsUrl = (host: string, operationsPort: number): string =>
  `http://${host}:${operationsPort}/metrics`;
