/**
 * Direct fabric-network connections for the "no HTTP" workloads and for seeding, opened with the same options
 * as the gateway's ledger client (gateway/src/ledger.ts) so that the gateway ÷ direct ratio measures what the
 * HTTP layer adds, not a different SDK configuration. One Gateway per organisation, reused for every call.
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
import { CHAINCODE_NAME, CHANNEL_NAME, TxName } from '../../chaincode/src/api';
import { readTopology } from '../../network/profiles/topology';

/** Which peers' commit events a submit waits for; the gateway uses MSPID_SCOPE_ANYFORTX. */
export const COMMIT_STRATEGIES = {
  MSPID_SCOPE_ANYFORTX: DefaultEventHandlerStrategies.MSPID_SCOPE_ANYFORTX,
  MSPID_SCOPE_ALLFORTX: DefaultEventHandlerStrategies.MSPID_SCOPE_ALLFORTX,
  NETWORK_SCOPE_ANYFORTX: DefaultEventHandlerStrategies.NETWORK_SCOPE_ANYFORTX,
  NETWORK_SCOPE_ALLFORTX: DefaultEventHandlerStrategies.NETWORK_SCOPE_ALLFORTX,
} satisfies Record<string, TxEventHandlerFactory>;
export type CommitStrategy = keyof typeof COMMIT_STRATEGIES;

export interface DirectOptions {
  commitStrategy: CommitStrategy;
  commitTimeoutSeconds: number;
}

export class DirectConnections {
  private readonly open = new Map<string, Promise<{ gateway: Gateway; contract: Contract }>>();

  constructor(private readonly options: DirectOptions) {}

  private async connect(orgId: string): Promise<{ gateway: Gateway; contract: Contract }> {
    const dir = join(readTopology().runDir, 'orgs', orgId);
    const gateway = new Gateway();
    await gateway.connect(JSON.parse(readFileSync(join(dir, 'connection-profile.json'), 'utf8')), {
      wallet: await Wallets.newFileSystemWallet(join(dir, 'wallet')),
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
    return { gateway, contract: network.getContract(CHAINCODE_NAME) };
  }

  async contract(orgId: string): Promise<Contract> {
    let connection = this.open.get(orgId);
    if (!connection) {
      connection = this.connect(orgId);
      this.open.set(orgId, connection);
    }
    return (await connection).contract;
  }

  /** Submits `tx` as `orgId` with its one JSON request, endorsed by `endorsers` (MSP IDs) when given. */
  async submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T> {
    const transaction = (await this.contract(orgId)).createTransaction(tx);
    if (endorsers) transaction.setEndorsingOrganizations(...endorsers);
    return JSON.parse((await transaction.submit(JSON.stringify(request))).toString('utf8')) as T;
  }

  async close(): Promise<void> {
    for (const connection of await Promise.allSettled(this.open.values())) {
      if (connection.status === 'fulfilled') connection.value.gateway.disconnect();
    }
    this.open.clear();
  }
}
