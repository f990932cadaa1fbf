/**
 * Direct fabric-network connections for the "no HTTP" workloads and for seeding, opened with the same options
 * as the gateway's ledger client (gateway/src/ledger.ts): the same native signer, commits awaited on the same
 * block stream, and a transaction whose two endorsing peers computed different results re-run, so that the
 * gateway ÷ direct ratio measures what the HTTP layer adds, not a different SDK configuration. One Gateway per
 * organisation, reused.
 */
import '../../test/integration/support/quiet-logs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Contract,
  DefaultEventHandlerStrategies,
  Gateway,
  TxEventHandlerFactory,
  Wallets,
} from 'fabric-network';
import { CHAINCODE_NAME, CHANNEL_NAME, TxName, openReply, writeTransient } from '../../chaincode/src/api';
import { CommitTimes } from '../../gateway/src/commit-times';
import { CommitWatcher } from '../../gateway/src/commit-watcher';
import { endorsementsDiffer } from '../../gateway/src/ledger';
import { signNatively } from '../../gateway/src/signing';
import { readTopology } from '../../network/profiles/topology';

/** The gateway's own: commit events from one realtime block stream of the organisation's peers. */
const BLOCK_STREAM = 'BLOCK_STREAM';

/** Which peers' commit events a submit waits for; BLOCK_STREAM is the gateway's, the others the SDK's. */
export const COMMIT_STRATEGIES = {
  [BLOCK_STREAM]: undefined,
  MSPID_SCOPE_ANYFORTX: DefaultEventHandlerStrategies.MSPID_SCOPE_ANYFORTX,
  MSPID_SCOPE_ALLFORTX: DefaultEventHandlerStrategies.MSPID_SCOPE_ALLFORTX,
  NETWORK_SCOPE_ANYFORTX: DefaultEventHandlerStrategies.NETWORK_SCOPE_ANYFORTX,
  NETWORK_SCOPE_ALLFORTX: DefaultEventHandlerStrategies.NETWORK_SCOPE_ALLFORTX,
} satisfies Record<string, TxEventHandlerFactory | undefined>;
export type CommitStrategy = keyof typeof COMMIT_STRATEGIES;

export interface DirectOptions {
  commitStrategy: CommitStrategy;
  commitTimeoutSeconds: number;
}

/** As many re-runs of an endorsement mismatch as the gateway allows itself (FABRIC_CONFLICT_RETRIES). */
const MISMATCH_RERUNS = 3;

interface Connection {
  gateway: Gateway;
  contract: Contract;
  commits?: TxEventHandlerFactory;
  watcher?: CommitWatcher;
}

export class DirectConnections {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(private readonly options: DirectOptions) {}

  private async connect(orgId: string): Promise<Connection> {
    const dir = join(readTopology().runDir, 'orgs', orgId);
    const wallet = await Wallets.newFileSystemWallet(join(dir, 'wallet'));
    signNatively(wallet);
    const gateway = new Gateway();
    await gateway.connect(JSON.parse(readFileSync(join(dir, 'connection-profile.json'), 'utf8')), {
      wallet,
      identity: 'client',
      // The peers listen on 127.0.0.1 for real (no containers): discovered endpoints are used as they are.
      discovery: { enabled: true, asLocalhost: false },
      eventHandlerOptions: {
        strategy: COMMIT_STRATEGIES[this.options.commitStrategy],
        commitTimeout: this.options.commitTimeoutSeconds,
        endorseTimeout: 30,
      },
    });
    const network = await gateway.getNetwork(CHANNEL_NAME);
    const contract = network.getContract(CHAINCODE_NAME);
    if (this.options.commitStrategy !== BLOCK_STREAM) return { gateway, contract };
    const watcher = await CommitWatcher.start(network, new CommitTimes());
    return { gateway, contract, watcher, commits: watcher.handlers(this.options.commitTimeoutSeconds) };
  }

  private connection(orgId: string): Promise<Connection> {
    let connection = this.open.get(orgId);
    if (!connection) {
      connection = this.connect(orgId);
      this.open.set(orgId, connection);
    }
    return connection;
  }

  async contract(orgId: string): Promise<Contract> {
    return (await this.connection(orgId)).contract;
  }

  /** Submits `tx` as `orgId` with its one JSON request, endorsed by `endorsers` (MSP IDs) when given. */
  async submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T> {
    const { contract, commits } = await this.connection(orgId);
    for (let attempt = 0; ; attempt++) {
      const transient = writeTransient(request);
      const transaction = contract.createTransaction(tx).setTransient(transient);
      if (commits) transaction.setEventHandler(commits);
      if (endorsers) transaction.setEndorsingOrganizations(...endorsers);
      try {
        return JSON.parse(
          openReply(await transaction.submit(), transient.replyKey, transaction.getTransactionId()),
        ) as T;
      } catch (error) {
        if (attempt >= MISMATCH_RERUNS || !endorsementsDiffer(error)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    for (const connection of await Promise.allSettled(this.open.values())) {
      if (connection.status !== 'fulfilled') continue;
      connection.value.watcher?.close();
      connection.value.gateway.disconnect();
    }
    this.open.clear();
  }
}
