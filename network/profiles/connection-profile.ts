/**
 * A standard (fabric-network) connection profile for one organisation: its own peer first, the channel's
 * other peers (so that clients can gather endorsements from them) and the orderers, TLS CA certificates
 * embedded as PEM so that the profile is self-contained.
 */
import { readFileSync } from 'fs';
import { OrgNode, Topology } from './topology';

const pem = (file: string): { pem: string } => ({ pem: readFileSync(file, 'utf8') });

/** Peers and orderers are reached on their host's address, which their TLS certificates name (cryptogen SANs). */
const grpcsUrl = (host: string, port: number): string => `grpcs://${host}:${port}`;

/** A type (not an interface) so that it passes as the plain record fabric-network accepts. */
export type ConnectionProfile = {
  name: string;
  version: string;
  client: { organization: string; connection: { timeout: { peer: { endorser: string }; orderer: string } } };
  organizations: Record<string, { mspid: string; peers: string[] }>;
  peers: Record<string, { url: string; tlsCACerts: { pem: string } }>;
  orderers: Record<string, { url: string; tlsCACerts: { pem: string } }>;
  channels: Record<string, { orderers: string[]; peers: Record<string, Record<string, boolean>> }>;
};

export function connectionProfile(topology: Topology, own: OrgNode): ConnectionProfile {
  const orgs = [own, ...topology.orgs.filter((o) => o.id !== own.id)];
  return {
    name: `${topology.channel}-${own.id}`,
    version: '1.0.0',
    client: { organization: own.mspId, connection: { timeout: { peer: { endorser: '30' }, orderer: '30' } } },
    organizations: Object.fromEntries(orgs.map((o) => [o.mspId, { mspid: o.mspId, peers: [o.peer.name] }])),
    peers: Object.fromEntries(
      orgs.map((o) => [
        o.peer.name,
        { url: grpcsUrl(o.host, o.peer.port), tlsCACerts: pem(o.peer.tlsCaCertFile) },
      ]),
    ),
    orderers: Object.fromEntries(
      topology.orderers.map((o) => [
        o.name,
        { url: grpcsUrl(o.host, o.port), tlsCACerts: pem(o.tlsCaCertFile) },
      ]),
    ),
    channels: {
      [topology.channel]: {
        orderers: topology.orderers.map((o) => o.name),
        // Only the own peer serves queries and events; every peer may endorse.
        peers: Object.fromEntries(
          orgs.map((o) => {
            const isOwn = o.id === own.id;
            return [
              o.peer.name,
              { endorsingPeer: true, chaincodeQuery: isOwn, ledgerQuery: isOwn, eventSource: isOwn },
            ];
          }),
        ),
      },
    },
  };
}
