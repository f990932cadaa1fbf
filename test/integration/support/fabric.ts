/**
 * Connecting to the development network as one of its organisations through fabric-network, with the
 * connection profiles and wallets that network/up.sh writes under network/run/orgs/<org>/.
 */
import './quiet-logs';
import { readFileSync } from 'fs';
import * as path from 'path';
import { Contract, DefaultEventHandlerStrategies, Gateway, Network, Wallets } from 'fabric-network';
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  ChaincodeErrorBody,
  openReply,
  TxName,
  writeTransient,
} from '../../../chaincode/src/api';
import { ConnectionProfile } from '../../../network/profiles/connection-profile';
import { OrgNode, findOrg, readTopology } from '../../../network/profiles/topology';

export interface ConnectOptions {
  /** Wallet label: `client` (an ordinary user of the organisation, the default) or `admin`. */
  identity?: 'client' | 'admin';
  /**
   * Talk to this organisation's peer only, no discovery (an id or MSP ID; usually the caller's own): to read one
   * peer's view of the ledger, or to hear a peer's own answer to a caller.
   */
  onlyPeerOf?: string;
  /**
   * Which peers a submit waits for. `network` (the default): every peer, so that a test's next step, endorsed by
   * any organisation, reads what the last one wrote (endorsers that lag behind disagree). `organisation`: the
   * own organisation's peers only, for tests that keep a peer down on purpose.
   */
  awaitCommit?: 'network' | 'organisation';
}

export interface OrgConnection {
  org: OrgNode;
  gateway: Gateway;
  network: Network;
  contract: Contract;
}

function orgDir(org: OrgNode): string {
  return path.join(readTopology().runDir, 'orgs', org.id);
}

function loadProfile(org: OrgNode, onlyPeer: OrgNode | undefined): ConnectionProfile {
  const profile = JSON.parse(
    readFileSync(path.join(orgDir(org), 'connection-profile.json'), 'utf8'),
  ) as ConnectionProfile;
  if (onlyPeer) {
    const channel = profile.channels[CHANNEL_NAME];
    channel.peers = { [onlyPeer.peer.name]: { ...channel.peers[onlyPeer.peer.name], chaincodeQuery: true } };
  }
  return profile;
}

/** Connects as `orgId` (e.g. `hospital1` or `Hospital1MSP`); disconnect the gateway when done. */
export async function connect(orgId: string, options: ConnectOptions = {}): Promise<OrgConnection> {
  const topology = readTopology();
  const org = findOrg(topology, orgId);
  const onlyPeer = options.onlyPeerOf === undefined ? undefined : findOrg(topology, options.onlyPeerOf);
  const gateway = new Gateway();
  await gateway.connect(loadProfile(org, onlyPeer), {
    wallet: await Wallets.newFileSystemWallet(path.join(orgDir(org), 'wallet')),
    identity: options.identity ?? 'client',
    // The peers really listen on 127.0.0.1 (no containers), so discovered endpoints are used as they are.
    discovery: { enabled: !onlyPeer, asLocalhost: false },
    eventHandlerOptions: {
      strategy:
        options.awaitCommit === 'organisation'
          ? DefaultEventHandlerStrategies.MSPID_SCOPE_ALLFORTX
          : DefaultEventHandlerStrategies.NETWORK_SCOPE_ALLFORTX,
    },
  });
  const network = await gateway.getNetwork(CHANNEL_NAME);
  return { org, gateway, network, contract: network.getContract(CHAINCODE_NAME) };
}

/** Submits `tx` with its JSON request in the transient data; `endorsers` (MSP IDs) pins which organisations endorse. */
export async function submit<T>(
  contract: Contract,
  tx: TxName,
  request: object,
  endorsers?: string[],
): Promise<T> {
  const transient = writeTransient(request);
  const transaction = contract.createTransaction(tx).setTransient(transient);
  if (endorsers) {
    transaction.setEndorsingOrganizations(...endorsers);
  }
  return JSON.parse(
    openReply(await transaction.submit(), transient.replyKey, transaction.getTransactionId()),
  ) as T;
}

export async function evaluate<T>(contract: Contract, tx: TxName, request: object): Promise<T> {
  return JSON.parse((await contract.evaluateTransaction(tx, JSON.stringify(request))).toString('utf8')) as T;
}

/** The chaincode's coded error inside a fabric-network error (whose message wraps the peer's answer). */
export function chaincodeError(err: unknown): ChaincodeErrorBody | undefined {
  const match = /\{"code":"[A-Z_]+","message":"(?:[^"\\]|\\.)*"\}/.exec(
    String((err as Error)?.message ?? err),
  );
  return match ? (JSON.parse(match[0]) as ChaincodeErrorBody) : undefined;
}

/** Runs `action`, which must fail; returns what it failed with. */
export async function failure(action: () => Promise<unknown>): Promise<Error & { transactionCode?: string }> {
  try {
    await action();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** One gateway per organisation, reused across a test file as a long-running client would; close() ends all. */
export class OrgConnections {
  private readonly open = new Map<string, Promise<OrgConnection>>();

  constructor(private readonly options: ConnectOptions = {}) {}

  get(orgId: string): Promise<OrgConnection> {
    let connection = this.open.get(orgId);
    if (!connection) {
      connection = connect(orgId, this.options);
      this.open.set(orgId, connection);
    }
    return connection;
  }

  async contract(orgId: string): Promise<Contract> {
    return (await this.get(orgId)).contract;
  }

  async close(): Promise<void> {
    const connections = await Promise.allSettled(this.open.values());
    for (const c of connections) {
      if (c.status === 'fulfilled') c.value.gateway.disconnect();
    }
    this.open.clear();
  }
}
