/** The records the gateway answers with, as the chaincode declares them (types only: nothing of it is bundled). */
export type {
  Alert,
  Eligibility,
  EligiblePolicy,
  Participant,
  PayoutBatchResult,
  Policy,
  Product,
  Reconciliation,
  Settlement,
  SettlementPreview,
  Split,
  Statement,
} from '../../chaincode/src/api';

/** One version of a record, as GET …/history lists it. */
export interface Version<T> {
  txId: string;
  timestamp: string;
  mspId: string;
  value: T | null;
}

export interface TransactionInfo {
  txId: string;
  blockNumber: number;
  validationCode: string;
  timestamp: string;
  creatorMsp: string;
  endorsers: string[];
}
