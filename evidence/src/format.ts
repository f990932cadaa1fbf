/**
 * The evidence package: everything needed to check one settlement's whole life offline. JSON; binary Fabric
 * structures as base64 of their protobuf bytes exactly as the ledger holds them. README.md documents each field.
 */
export const EVIDENCE_FORMAT = 'settlement-evidence';
export const EVIDENCE_VERSION = 1;

export interface EvidencePackage {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  /** When and by which organisation's gateway the package was assembled (informative: nothing rests on it). */
  createdAt: string;
  createdBy: string;
  channel: string;
  /** The chaincode's name: the namespace of its keys in the read-write sets. */
  chaincode: string;
  settlement: SettlementClaim;
  /** Every transaction that wrote the settlement's public record, oldest first. */
  transactions: EvidenceTransaction[];
  /**
   * Whole blocks by number: each block holding one of the transactions, and every configuration block (the
   * genesis block and each channel update) up to the last header.
   */
  blocks: Record<string, string>;
  /** Every block's header and its ordering-service signatures, from the genesis block to the latest. */
  chain: ChainLink[];
  /** Each peer the gateway could reach and what it said its chain's height and latest block hash were. */
  peers: PeerView[];
}

/** What the package says the settlement is; the verifier holds every part of it against the blocks. */
export interface SettlementClaim {
  hospital: string;
  settlementId: string;
  insurer: string;
  /** The ledger key of its public record (a composite key). */
  key: string;
  /** The private data collection of its details, shared by its hospital and insurer. */
  collection: string;
}

export interface EvidenceTransaction {
  txId: string;
  blockNumber: number;
  /** The version of the details this transaction wrote, exactly as stored (salt included), and its key. */
  details: { key: string; stored: string };
}

export interface ChainLink {
  number: number;
  /** common.BlockHeader. */
  header: string;
  /** The block's SIGNATURES metadata (common.Metadata): the ordering service's signatures. */
  signatures: string;
}

export interface PeerView {
  mspId: string;
  peer: string;
  height: number;
  /** Hex SHA-256 of the header of block height − 1. */
  currentBlockHash: string;
}
