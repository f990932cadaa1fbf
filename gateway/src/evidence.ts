/**
 * Assembles a settlement's evidence package (the @settlement/evidence format): its transactions' blocks whole,
 * every header from the genesis block with the ordering service's signatures, the configuration blocks, and what
 * each reachable peer says the chain's latest block is. Blocks never change once cut, so each header and
 * configuration block is read from the peer once per process and kept.
 */
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  Tx,
  type SettlementKey,
  type SettlementRecordKeys,
} from '@settlement/chaincode/dist/api';
import {
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  linkOf,
  type ChainLink,
  type EvidencePackage,
  type EvidenceTransaction,
} from '@settlement/evidence';
import { hideForbidden } from './errors';
import type { LedgerClient } from './ledger';

/** Blocks read from the peer at once while filling the header cache. */
const PARALLEL_READS = 8;

export class EvidenceAssembler {
  private readonly links: ChainLink[] = [];
  private readonly configBlocks = new Map<number, string>();

  constructor(
    private readonly ledger: LedgerClient,
    private readonly mspId: string,
  ) {}

  /** The package for a settlement the caller may read; NOT_FOUND (from the chaincode) for any other. */
  async assemble(key: SettlementKey): Promise<EvidencePackage> {
    const record = await this.ledger
      .evaluate<SettlementRecordKeys>(Tx.settlementEvidence, key)
      .catch(hideForbidden);
    const blocks: Record<string, string> = {};
    const transactions: EvidenceTransaction[] = [];
    for (const { txId, key: detailsKey, stored } of record.versions) {
      const bytes = await this.ledger.blockOfTransaction(txId);
      // The record's history names only committed transactions, so its block exists.
      if (!bytes) throw new Error(`the block of transaction ${txId} was not found`);
      const { number } = linkOf(bytes);
      blocks[number] = bytes.toString('base64');
      transactions.push({ txId, blockNumber: number, details: { key: detailsKey, stored } });
    }
    const chain = await this.chainTo((await this.ledger.blockHeight()) - 1);
    for (const [number, block] of this.configBlocks) if (number < chain.length) blocks[number] = block;
    return {
      format: EVIDENCE_FORMAT,
      version: EVIDENCE_VERSION,
      createdAt: new Date().toISOString(),
      createdBy: this.mspId,
      channel: CHANNEL_NAME,
      chaincode: CHAINCODE_NAME,
      settlement: {
        hospital: key.hospital,
        settlementId: key.settlementId,
        insurer: record.insurer,
        key: record.key,
        collection: record.collection,
      },
      transactions,
      blocks,
      chain,
      peers: await this.ledger.peerChainViews(),
    };
  }

  /** The links of blocks 0 to `last`, reading from the peer those not read before. */
  private async chainTo(last: number): Promise<ChainLink[]> {
    const missing = Array.from({ length: last + 1 }, (_, n) => n).filter((n) => !this.links[n]);
    const read = async (): Promise<void> => {
      for (let number = missing.shift(); number !== undefined; number = missing.shift()) {
        const bytes = await this.ledger.block(number);
        const { header, signatures, isConfig } = linkOf(bytes);
        if (isConfig) this.configBlocks.set(number, bytes.toString('base64'));
        this.links[number] = {
          number,
          header: Buffer.from(header).toString('base64'),
          signatures: Buffer.from(signatures).toString('base64'),
        };
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_READS }, read));
    return this.links.slice(0, last + 1);
  }
}
