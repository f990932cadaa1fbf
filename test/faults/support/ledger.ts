/**
 * What the ledger itself says, read through each peer's qscc (not through the gateways under test): every
 * peer's height and current block hash, and the settlements that valid transactions recorded in a block range.
 * `verify` is the check that ends every fault test: all peers agree, and the ledger holds every acknowledged
 * settlement exactly once.
 */
import { expect } from 'chai';
import { CHANNEL_NAME, EventName } from '../../../chaincode/src/api';
import type { Settlement } from '../../../chaincode/src/api';
import { DecodedBlock, TransactionInfo, transactionInBlock } from '../../../gateway/src/blocks';
import { connect, OrgConnection } from '../../integration/support/fabric';
import { OrgId, ORG_IDS } from './gateways';
import { call } from './http';
import { LoadResult } from './load';
import { until } from './processes';

/* eslint-disable @typescript-eslint/no-require-imports -- both are CommonJS without usable type declarations */
const { BlockDecoder } = require('fabric-common') as {
  BlockDecoder: { decode(bytes: Buffer): DecodedBlock & { header: { previous_hash: Buffer } } };
};
const { common } = require('fabric-protos') as {
  common: {
    BlockchainInfo: { decode(bytes: Buffer): { height: { toString(): string }; currentBlockHash: Buffer } };
  };
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const decodeBlock = (bytes: Buffer) => BlockDecoder.decode(bytes);
const txIdOf = (envelope: unknown): string =>
  (envelope as { payload: { header: { channel_header: { tx_id: string } } } }).payload.header.channel_header
    .tx_id;

export interface ChainInfo {
  org: OrgId;
  height: number;
  hash: string;
}

/** Runs `action` against `org`'s own peer only, on a fresh connection (peers restart during these tests). */
async function onOwnPeer<T>(org: OrgId, action: (connection: OrgConnection) => Promise<T>): Promise<T> {
  const connection = await connect(org, { onlyPeerOf: org });
  try {
    return await action(connection);
  } finally {
    connection.gateway.disconnect();
  }
}

const qscc = (connection: OrgConnection, fn: string, ...args: string[]): Promise<Buffer> =>
  connection.network.getContract('qscc').evaluateTransaction(fn, CHANNEL_NAME, ...args);

export async function chainInfo(org: OrgId): Promise<ChainInfo> {
  const info = common.BlockchainInfo.decode(await onOwnPeer(org, (c) => qscc(c, 'GetChainInfo')));
  return { org, height: Number(info.height.toString()), hash: info.currentBlockHash.toString('hex') };
}

/** Every peer's height and current block hash (which chains every earlier block's hash). */
export async function allChainInfo(): Promise<ChainInfo[]> {
  return Promise.all(ORG_IDS.map((org) => chainInfo(org)));
}

/** Waits until every peer has the same height and current block hash; answers that height. */
export async function peersAgree(timeoutMs = 60_000): Promise<number> {
  let last: ChainInfo[] = [];
  try {
    await until(
      'every peer to reach the same height and block hash',
      async () => {
        last = await allChainInfo();
        return last.every((info) => info.height === last[0].height && info.hash === last[0].hash);
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(last)}`);
  }
  return last[0].height;
}

/**
 * Every transaction of blocks [from, to) as `org`'s peer has them, each envelope on its own: a transaction the
 * gateway resubmitted may appear twice, the second copy invalid (DUPLICATE_TXID), so they are not looked up by id.
 */
export async function transactions(
  from: number,
  to: number,
  org: OrgId = 'regulator',
): Promise<TransactionInfo[]> {
  return onOwnPeer(org, async (connection) => {
    const found: TransactionInfo[] = [];
    for (let number = from; number < to; number++) {
      const block = decodeBlock(await qscc(connection, 'GetBlockByNumber', String(number)));
      block.data.data.forEach((_, index) => {
        // transactionInBlock reads the first envelope with a txId: hand it a block holding only this one.
        const single = {
          ...block,
          data: { data: [block.data.data[index]] },
          metadata: { metadata: [undefined, undefined, [(block.metadata.metadata[2] as number[])[index]]] },
        };
        const info = transactionInBlock(single, txIdOf(block.data.data[index]));
        if (info) found.push(info);
      });
    }
    return found;
  });
}

/**
 * The settlements that valid transactions recorded, by id, each as often as a transaction recorded it: the
 * transactions' events name them (their replies are sealed for their submitters), and each is read through the
 * regulator's gateway, which may need a moment to receive private data its peer missed.
 */
export async function recordedSettlements(txs: TransactionInfo[]): Promise<Map<string, Settlement[]>> {
  const recorded = new Map<string, Settlement[]>();
  for (const tx of txs) {
    const { event } = tx;
    if (tx.validationCode !== 'VALID' || !event || !RECORDING.has(event.type)) continue;
    for (const ref of event.refs) {
      if (ref.settlementId === undefined) continue;
      let settlement: Settlement | undefined;
      await until(`the regulator to read ${ref.settlementId}`, async () => {
        const read = await call('regulator', 'GET', `/v1/settlements/${ref.hospital}/${ref.settlementId}`);
        settlement = read.status === 200 ? (read.body as Settlement) : undefined;
        return settlement !== undefined;
      });
      recorded.set(ref.settlementId, [...(recorded.get(ref.settlementId) ?? []), settlement as Settlement]);
    }
  }
  return recorded;
}

const RECORDING = new Set<string>([EventName.SettlementRecorded, EventName.SettlementsRecorded]);

export interface Figures {
  submitted: number;
  acknowledged: number;
  recorded: number;
  duplicates: number;
  lost: number;
  /** Recorded although the client never got an acknowledgement (it gave up retrying). */
  unacknowledgedButRecorded: number;
  statuses: Record<string, number>;
}

export function printFigures(name: string, figures: Figures, extra: Record<string, unknown> = {}): void {
  const { statuses, ...counts } = figures;
  console.log(`      [faults] ${name}: ${JSON.stringify({ ...counts, answers: statuses, ...extra })}`);
}

/**
 * The end of every fault test: waits for all peers to agree on height and block hash, counts what the ledger
 * recorded from block `fromBlock` on against what the client submitted and had acknowledged, prints the figures
 * and fails on any loss or duplicate.
 */
export async function verify(
  name: string,
  fromBlock: number,
  load: LoadResult,
  extra: Record<string, unknown> = {},
) {
  const height = await peersAgree();
  const recorded = await recordedSettlements(await transactions(fromBlock, height));
  const ours = load.submitted.map((item) => item.body.settlementId);
  const acknowledged = load.submitted
    .filter((item) => item.acknowledged)
    .map((item) => item.body.settlementId);
  const figures: Figures = {
    submitted: ours.length,
    acknowledged: acknowledged.length,
    recorded: ours.filter((id) => recorded.has(id)).length,
    duplicates: ours.reduce((sum, id) => sum + Math.max(0, (recorded.get(id)?.length ?? 0) - 1), 0),
    lost: acknowledged.filter((id) => !recorded.has(id)).length,
    unacknowledgedButRecorded: ours.filter((id) => recorded.has(id) && !acknowledged.includes(id)).length,
    statuses: load.statuses,
  };
  printFigures(name, figures, { height, ...extra });
  expect(figures.lost, 'acknowledged settlements missing from the ledger').to.equal(0);
  expect(figures.duplicates, 'settlements recorded more than once').to.equal(0);
  return { figures, height, recorded };
}
