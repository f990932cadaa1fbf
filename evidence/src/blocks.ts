/**
 * Fabric's block and transaction structures as the verifier reads them: protobuf decoding through fabric-protos
 * (the same .proto files Fabric is built from), and the two hashes Fabric computes over a block itself.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module cannot be imported
/// <reference path="./fabric-protos-bundle.d.ts" />
import * as protos from 'fabric-protos/bundle';
import { concat, fromHex, hex, sha256, utf8, type Bytes } from './bytes';

const { common, msp, rwset, kvrwset } = protos;
const peer = protos.protos;

/** Decoded messages carry Uint8Arrays (Buffers in Node) for bytes fields and Longs for 64-bit integers. */
interface Long {
  toNumber(): number;
}

export interface BlockHeader {
  number: number;
  previousHash: Bytes;
  dataHash: Bytes;
}

export interface Block {
  header: BlockHeader;
  data: Bytes[];
  metadata: Bytes[];
}

const toNumber = (value: Long | number | undefined): number =>
  typeof value === 'number' ? value : (value?.toNumber() ?? 0);

interface DecodedHeader {
  number?: Long;
  previous_hash: Bytes;
  data_hash: Bytes;
}
interface DecodedBlock {
  header: DecodedHeader;
  data: { data: Bytes[] };
  metadata: { metadata: Bytes[] };
}

const headerOf = (h: DecodedHeader): BlockHeader => ({
  number: toNumber(h.number),
  previousHash: h.previous_hash,
  dataHash: h.data_hash,
});

export const decodeHeader = (bytes: Bytes): BlockHeader =>
  headerOf(common.BlockHeader.decode(bytes) as unknown as DecodedHeader);

const blockOf = (b: DecodedBlock): Block => ({
  header: headerOf(b.header),
  data: b.data?.data ?? [],
  metadata: b.metadata?.metadata ?? [],
});

export const decodeBlock = (bytes: Bytes): Block =>
  blockOf(common.Block.decode(bytes) as unknown as DecodedBlock);

/** DER of SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }: protoutil.BlockHeaderBytes. */
export function headerBytes({ number, previousHash, dataHash }: BlockHeader): Bytes {
  const tlv = (tag: number, value: Bytes): Bytes => {
    const n = value.length;
    const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return concat(Uint8Array.from([tag, ...length]), value);
  };
  // A DER INTEGER is minimal two's complement: a leading zero byte only when the top bit is set.
  const digits = number.toString(16);
  let integer = fromHex(digits.length % 2 === 0 ? digits : `0${digits}`);
  if (integer[0] & 0x80) integer = concat(Uint8Array.from([0]), integer);
  return tlv(0x30, concat(tlv(0x02, integer), tlv(0x04, previousHash), tlv(0x04, dataHash)));
}

/** The hash the next block names as its previous one. */
export const headerHash = (header: BlockHeader): Bytes => sha256(headerBytes(header));

/** protoutil.BlockDataHash: SHA-256 of the block's envelopes laid end to end. */
export const dataHash = (block: Block): Bytes => sha256(...block.data);

export interface Identity {
  mspId: string;
  /** PEM certificate. */
  certificate: string;
}

function identity(serialised: Bytes): Identity {
  const id = msp.SerializedIdentity.decode(serialised) as unknown as { mspid: string; id_bytes: Bytes };
  return { mspId: id.mspid, certificate: utf8(id.id_bytes) };
}

/** One signature by the ordering service over a block: value ‖ signatureHeader ‖ headerBytes. */
export interface BlockSignature {
  signer: Identity;
  signedBytes: Bytes;
  signature: Bytes;
}

export interface SignaturesMetadata {
  /** The configuration block in force when the block was cut. */
  lastConfig: number;
  signatures: BlockSignature[];
}

export function decodeSignatures(metadata: Bytes, header: BlockHeader): SignaturesMetadata {
  const m = common.Metadata.decode(metadata) as unknown as {
    value: Bytes;
    signatures: { signature_header: Bytes; signature: Bytes }[];
  };
  const value = common.OrdererBlockMetadata.decode(m.value) as unknown as { last_config?: { index?: Long } };
  const signatures = (m.signatures ?? []).map((s) => {
    const sh = common.SignatureHeader.decode(s.signature_header) as unknown as { creator: Bytes };
    return {
      signer: identity(sh.creator),
      signedBytes: concat(m.value, s.signature_header, headerBytes(header)),
      signature: s.signature,
    };
  });
  return { lastConfig: toNumber(value.last_config?.index), signatures };
}

/** The peer's verdict on each transaction of the block (0 is VALID), as it committed it. */
export const validationCodes = (block: Block): Bytes =>
  block.metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();

export interface Endorsement {
  endorser: Identity;
  signedBytes: Bytes;
  signature: Bytes;
}

export interface KeyRead {
  key: string;
  /** Where the version read was written; undefined when the key did not exist. */
  version?: { blockNumber: number; txNumber: number };
}

export interface NamespaceWrites {
  reads: KeyRead[];
  writes: { key: string; value: Bytes; isDelete: boolean }[];
  /** Per collection, the SHA-256 of each private key written and of its value. */
  privateWrites: Map<string, { keyHash: Bytes; valueHash: Bytes; isDelete: boolean }[]>;
}

export interface EndorsedTransaction {
  txId: string;
  channel: string;
  type: number;
  /** When the client made the proposal (its own clock), ISO-8601. */
  timestamp: string;
  nonce: Bytes;
  creator: Identity;
  creatorBytes: Bytes;
  payload: Bytes;
  signature: Bytes;
  endorsements: Endorsement[];
  chaincode: string;
  rwsets: Map<string, NamespaceWrites>;
}

const HEADER_TYPE_ENDORSER_TRANSACTION = common.HeaderType.ENDORSER_TRANSACTION as number;
export const HEADER_TYPE_CONFIG = common.HeaderType.CONFIG as number;

interface Payload {
  header: { channel_header: Bytes; signature_header: Bytes };
  data: Bytes;
}
interface ChannelHeader {
  type?: number;
  channel_id: string;
  tx_id: string;
  timestamp?: { seconds?: Long; nanos?: number };
}

function payloadOf(envelope: Bytes) {
  const env = common.Envelope.decode(envelope) as unknown as { payload: Bytes; signature: Bytes };
  const payload = common.Payload.decode(env.payload) as unknown as Payload;
  const channelHeader = common.ChannelHeader.decode(
    payload.header.channel_header,
  ) as unknown as ChannelHeader;
  return { env, payload, channelHeader };
}

/** The channel header's type and transaction id of an envelope, without decoding the rest. */
export function envelopeId(envelope: Bytes): { type: number; txId: string } {
  const { channelHeader } = payloadOf(envelope);
  return { type: channelHeader.type ?? 0, txId: channelHeader.tx_id };
}

function decodeRwsets(results: Bytes): Map<string, NamespaceWrites> {
  const txRwset = rwset.TxReadWriteSet.decode(results) as unknown as {
    ns_rwset: {
      namespace: string;
      rwset: Bytes;
      collection_hashed_rwset: { collection_name: string; hashed_rwset: Bytes }[];
    }[];
  };
  const byNamespace = new Map<string, NamespaceWrites>();
  for (const ns of txRwset.ns_rwset ?? []) {
    const kv = kvrwset.KVRWSet.decode(ns.rwset) as unknown as {
      reads: { key: string; version?: { block_num?: Long; tx_num?: Long } }[];
      writes: { key: string; value: Bytes; is_delete?: boolean }[];
    };
    const privateWrites = new Map<string, { keyHash: Bytes; valueHash: Bytes; isDelete: boolean }[]>();
    for (const c of ns.collection_hashed_rwset ?? []) {
      const hashed = kvrwset.HashedRWSet.decode(c.hashed_rwset) as unknown as {
        hashed_writes: { key_hash: Bytes; value_hash: Bytes; is_delete?: boolean }[];
      };
      privateWrites.set(
        c.collection_name,
        (hashed.hashed_writes ?? []).map((w) => ({
          keyHash: w.key_hash,
          valueHash: w.value_hash ?? new Uint8Array(),
          isDelete: w.is_delete === true,
        })),
      );
    }
    byNamespace.set(ns.namespace, {
      reads: (kv.reads ?? []).map((r) => ({
        key: r.key,
        // A key read before it existed has no version (null once decoded).
        version: r.version
          ? { blockNumber: toNumber(r.version.block_num), txNumber: toNumber(r.version.tx_num) }
          : undefined,
      })),
      writes: (kv.writes ?? []).map((w) => ({
        key: w.key,
        value: w.value ?? new Uint8Array(),
        isDelete: w.is_delete === true,
      })),
      privateWrites,
    });
  }
  return byNamespace;
}

/** An endorser transaction: its creator's signed envelope, its one action's endorsements and read-write sets. */
export function decodeTransaction(envelope: Bytes): EndorsedTransaction {
  const { env, payload, channelHeader } = payloadOf(envelope);
  if ((channelHeader.type ?? 0) !== HEADER_TYPE_ENDORSER_TRANSACTION)
    throw new Error(`envelope ${channelHeader.tx_id} is not an endorser transaction`);
  const signatureHeader = common.SignatureHeader.decode(payload.header.signature_header) as unknown as {
    creator: Bytes;
    nonce: Bytes;
  };
  const tx = peer.Transaction.decode(payload.data) as unknown as { actions: { payload: Bytes }[] };
  if (tx.actions?.length !== 1)
    throw new Error(`transaction ${channelHeader.tx_id} has ${tx.actions?.length} actions`);
  const actionPayload = peer.ChaincodeActionPayload.decode(tx.actions[0].payload) as unknown as {
    action: { proposal_response_payload: Bytes; endorsements: { endorser: Bytes; signature: Bytes }[] };
  };
  const { proposal_response_payload: responsePayload, endorsements } = actionPayload.action;
  const prp = peer.ProposalResponsePayload.decode(responsePayload) as unknown as { extension: Bytes };
  const action = peer.ChaincodeAction.decode(prp.extension) as unknown as {
    results: Bytes;
    chaincode_id?: { name?: string };
  };
  const seconds = toNumber(channelHeader.timestamp?.seconds);
  const nanos = channelHeader.timestamp?.nanos ?? 0;
  return {
    txId: channelHeader.tx_id,
    channel: channelHeader.channel_id,
    type: channelHeader.type ?? 0,
    timestamp: new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString(),
    nonce: signatureHeader.nonce,
    creator: identity(signatureHeader.creator),
    creatorBytes: signatureHeader.creator,
    payload: env.payload,
    signature: env.signature,
    endorsements: (endorsements ?? []).map((e) => ({
      endorser: identity(e.endorser),
      signedBytes: concat(responsePayload, e.endorser),
      signature: e.signature,
    })),
    chaincode: action.chaincode_id?.name ?? '',
    rwsets: decodeRwsets(action.results),
  };
}

/** An organisation's MSP as the channel configuration defines it. */
export interface MspDefinition {
  mspId: string;
  rootCerts: string[];
  intermediateCerts: string[];
  /** Where it is defined: the application's organisations endorse and submit, the orderer's sign blocks. */
  role: 'application' | 'orderer';
}

interface ConfigGroup {
  groups?: Record<string, ConfigGroup>;
  values?: Record<string, { value: Bytes }>;
}

/** The organisations a configuration block defines, with their root and intermediate certificates. */
export function decodeConfig(block: Block): MspDefinition[] {
  const { payload, channelHeader } = payloadOf(block.data[0] ?? new Uint8Array());
  if ((channelHeader.type ?? 0) !== HEADER_TYPE_CONFIG) throw new Error('not a configuration block');
  const config = common.ConfigEnvelope.decode(payload.data) as unknown as {
    config: { channel_group: ConfigGroup };
  };
  const definitions: MspDefinition[] = [];
  for (const [section, role] of [
    ['Application', 'application'],
    ['Orderer', 'orderer'],
  ] as const) {
    const orgs = config.config.channel_group.groups?.[section]?.groups ?? {};
    for (const name of Object.keys(orgs).sort()) {
      const value = orgs[name].values?.MSP?.value;
      if (!value) continue;
      const mspConfig = msp.MSPConfig.decode(value) as unknown as { config: Bytes };
      const fabric = msp.FabricMSPConfig.decode(mspConfig.config) as unknown as {
        name: string;
        root_certs: Bytes[];
        intermediate_certs: Bytes[];
      };
      const pem = (certs: Bytes[] | undefined) => (certs ?? []).map(utf8);
      definitions.push({
        mspId: fabric.name,
        rootCerts: pem(fabric.root_certs),
        intermediateCerts: pem(fabric.intermediate_certs),
        role,
      });
    }
  }
  return definitions;
}

/** A peer's qscc GetChainInfo answer (common.BlockchainInfo): its height and the hash of its latest header. */
export function decodeChainInfo(bytes: Bytes): { height: number; currentBlockHash: string } {
  const info = common.BlockchainInfo.decode(bytes) as unknown as { height?: Long; currentBlockHash: Bytes };
  return { height: toNumber(info.height), currentBlockHash: hex(info.currentBlockHash ?? []) };
}

/** Whether the block holds a channel configuration (its one envelope's header type is CONFIG). */
export const isConfigBlock = (block: Block): boolean => envelopeId(block.data[0]).type === HEADER_TYPE_CONFIG;

/**
 * A block as a chain link carries it: its header as the block holds it (protobuf) and its signatures metadata;
 * and whether it is a configuration block.
 */
export function linkOf(bytes: Bytes): {
  number: number;
  header: Bytes;
  signatures: Bytes;
  isConfig: boolean;
} {
  const decoded = common.Block.decode(bytes) as unknown as DecodedBlock;
  const block = blockOf(decoded);
  return {
    number: block.header.number,
    header: common.BlockHeader.encode(decoded.header as object).finish(),
    signatures: block.metadata[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
    isConfig: isConfigBlock(block),
  };
}
