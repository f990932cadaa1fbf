/**
 * Reading a transaction out of a block as decoded by fabric-common's BlockDecoder (the block a peer's qscc
 * returns). Kept apart from the SDK calls so the field walking can be tested with plain objects.
 */
import type { LedgerEvent } from '@settlement/chaincode/dist/api';

export interface TransactionInfo {
  txId: string;
  blockNumber: number;
  validationCode: string;
  /** ISO-8601 UTC, the client's proposal time recorded in the transaction header. */
  timestamp: string;
  /** ISO-8601 UTC, when this organisation's peer delivered the block as committed, if this gateway saw it. */
  committedAt?: string;
  creatorMsp: string;
  endorsers: string[];
  /** The chaincode event, when the transaction emitted one. */
  event?: LedgerEvent;
  /** The chaincode's response payload (what submit would have returned). */
  payload: Buffer;
}

/** Names of peer.TxValidationCode values (fabric-protos' transaction.proto). */
const VALIDATION_CODES: Record<number, string> = {
  0: 'VALID',
  1: 'NIL_ENVELOPE',
  2: 'BAD_PAYLOAD',
  3: 'BAD_COMMON_HEADER',
  4: 'BAD_CREATOR_SIGNATURE',
  5: 'INVALID_ENDORSER_TRANSACTION',
  6: 'INVALID_CONFIG_TRANSACTION',
  7: 'UNSUPPORTED_TX_PAYLOAD',
  8: 'BAD_PROPOSAL_TXID',
  9: 'DUPLICATE_TXID',
  10: 'ENDORSEMENT_POLICY_FAILURE',
  11: 'MVCC_READ_CONFLICT',
  12: 'PHANTOM_READ_CONFLICT',
  13: 'UNKNOWN_TX_TYPE',
  14: 'TARGET_CHAIN_NOT_FOUND',
  15: 'MARSHAL_TX_ERROR',
  16: 'NIL_TXACTION',
  17: 'EXPIRED_CHAINCODE',
  18: 'CHAINCODE_VERSION_CONFLICT',
  19: 'BAD_HEADER_EXTENSION',
  20: 'BAD_CHANNEL_HEADER',
  21: 'BAD_RESPONSE_PAYLOAD',
  22: 'BAD_RWSET',
  23: 'ILLEGAL_WRITESET',
  24: 'INVALID_WRITESET',
  25: 'INVALID_CHAINCODE',
  254: 'NOT_VALIDATED',
  255: 'INVALID_OTHER_REASON',
};

export function validationCodeName(code: number): string {
  return VALIDATION_CODES[code] ?? `UNKNOWN_${code}`;
}

/** The parts of a decoded block this module reads; everything else is ignored. */
export interface DecodedBlock {
  header: { number: { toString(): string } | number | string };
  data: { data: DecodedEnvelope[] };
  metadata: { metadata: unknown[] };
}
interface DecodedEnvelope {
  payload: {
    header: {
      channel_header: { tx_id: string; timestamp: string | Date };
      signature_header: { creator: { mspid: string } };
    };
    data: { actions?: DecodedAction[] };
  };
}
interface DecodedAction {
  payload: {
    action: {
      endorsements: { endorser: { mspid: string } }[];
      proposal_response_payload: {
        extension: { events?: { payload?: Buffer }; response?: { payload?: Buffer } };
      };
    };
  };
}

function eventOf(payload: Buffer | undefined): LedgerEvent | undefined {
  if (!payload || payload.length === 0) return undefined;
  try {
    const event = JSON.parse(payload.toString('utf8')) as LedgerEvent;
    return Array.isArray(event.parties) && Array.isArray(event.refs) ? event : undefined;
  } catch {
    return undefined;
  }
}

export function transactionInBlock(block: DecodedBlock, txId: string): TransactionInfo | undefined {
  const index = block.data.data.findIndex(
    (envelope) => envelope.payload.header.channel_header.tx_id === txId,
  );
  if (index < 0) return undefined;
  const { header, data } = block.data.data[index].payload;
  const filter = block.metadata.metadata[2];
  const code = Array.isArray(filter) && typeof filter[index] === 'number' ? (filter[index] as number) : 254;
  const action = data.actions?.[0]?.payload.action;
  const extension = action?.proposal_response_payload.extension;
  return {
    txId,
    blockNumber: Number(block.header.number.toString()),
    validationCode: validationCodeName(code),
    timestamp: new Date(header.channel_header.timestamp).toISOString(),
    creatorMsp: header.signature_header.creator.mspid,
    endorsers: [...new Set((action?.endorsements ?? []).map((e) => e.endorser.mspid))].sort(),
    event: eventOf(extension?.events?.payload),
    payload: extension?.response?.payload ?? Buffer.alloc(0),
  };
}
