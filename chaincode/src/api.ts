/**
 * The chaincode's public surface: names of transactions, error codes, events and the shapes of records; the
 * requests are declared in schemas.ts. The gateway imports these two modules (and no other) from the chaincode
 * package, so neither may import Fabric.
 *
 * Calling convention: every transaction takes one JSON object (a request of schemas.ts) and returns one JSON
 * document. A read takes it as its one argument; a write takes none, and finds it in the proposal's transient
 * data under "request", with a random "salt" and "replyKey" (writeTransient), since arguments are written into
 * the block. So is a write's reply: it comes sealed with the reply key, for its caller only (openReply).
 * Failures throw an error whose message is JSON `{"code","message"}` with a code from ErrorCode, so callers map
 * them without reading prose. DUPLICATE_INVOICE is not thrown: the transaction must commit to record the alert,
 * so it is an outcome of a successful submit.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';
import { canonicalJson } from './canonical';
import type { Accumulators } from './split';
import type {
  AccumulatorPeriod,
  AlertStatus,
  AlertType,
  Benefit,
  BenefitCategory,
  Costs,
  ParticipantKind,
  Payee,
  SettlementKey,
  SettlementMode,
  SettlementStatus,
} from './schemas';

// Callers that type requests import them from here with the records.
export type * from './schemas';

/** A hospital and an insurer: a settlement's two parties, whose collection holds what they share. */
export interface Pair {
  hospital: string;
  insurer: string;
}

/** Bytes of salt and of reply key per write: far beyond guessing; AES-256 takes a key of this size. */
export const REPLY_KEY_BYTES = 32;
const TAG_BYTES = 16;

/**
 * The transient entry in which a hospital's gateway sends, with a settlement naming `priorSettlement`, that earlier
 * settlement's current version as stored (a JSON array of them, for a batch): the new insurer's peer may not read
 * it, and checks it against the hash on the settlement's public stub.
 */
export const PRIOR_VERSIONS = 'priorVersions';

/**
 * A write's transient data: its request; a fresh random salt, which the chaincode adds to every private value
 * it writes so that the value's hash in the block cannot be confirmed by guessing the value; a fresh key
 * that seals the reply, which the block records too; and any `extra` entries the transaction reads.
 */
export function writeTransient(request: object, extra: Record<string, string> = {}): Record<string, Buffer> {
  return {
    ...Object.fromEntries(Object.entries(extra).map(([name, text]) => [name, Buffer.from(text)])),
    request: Buffer.from(canonicalJson(request)),
    salt: randomBytes(REPLY_KEY_BYTES),
    replyKey: randomBytes(REPLY_KEY_BYTES),
  };
}

/** From the transaction id, so every endorser seals alike; a key seals one reply only, so it never repeats. */
const replyNonce = (txId: string): Buffer => createHash('sha256').update(txId).digest().subarray(0, 12);

/** AES-256-GCM under the write's reply key, as base64 of ciphertext and tag. */
export function sealReply(reply: string, replyKey: Uint8Array, txId: string): string {
  const cipher = createCipheriv('aes-256-gcm', replyKey, replyNonce(txId));
  return Buffer.concat([cipher.update(reply, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  );
}

/** A write's reply, unsealed with the reply key its caller sent (throws if the reply is not sealed with it). */
export function openReply(sealed: Buffer, replyKey: Uint8Array, txId: string): string {
  const bytes = Buffer.from(sealed.toString('utf8'), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', replyKey, replyNonce(txId));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

export const CHANNEL_NAME = 'settlement';
export const CHAINCODE_NAME = 'settlement';

export const Tx = {
  registerParticipant: 'Participants:register',
  getParticipant: 'Participants:get',
  listParticipants: 'Participants:list',

  publishProduct: 'Products:publish',
  getProduct: 'Products:get',
  listProducts: 'Products:list',

  registerPolicy: 'Policies:register',
  getPolicy: 'Policies:get',
  /** The patient's policies active on a date, with consent and what the accumulators leave. */
  eligibility: 'Policies:eligibility',

  recordAuthorisation: 'Authorisations:record',
  revokeAuthorisation: 'Authorisations:revoke',
  getAuthorisation: 'Authorisations:get',

  submitSettlement: 'Settlements:submit',
  submitSettlementBatch: 'Settlements:submitBatch',
  payoutSettlement: 'Settlements:payout',
  disputeSettlement: 'Settlements:dispute',
  reverseSettlement: 'Settlements:reverse',
  answerDispute: 'Settlements:answerDispute',
  withdrawDispute: 'Settlements:withdrawDispute',
  upholdDispute: 'Settlements:upholdDispute',
  recoverSettlement: 'Settlements:recover',
  /** One payment reference and date over many settlements of one hospital, each refused or paid on its own. */
  payoutBatch: 'Settlements:payoutBatch',
  remittance: 'Settlements:remittance',
  /** What submit would record, computed by the same code, written nowhere. */
  previewSettlement: 'Settlements:preview',
  getSettlement: 'Settlements:get',
  settlementHistory: 'Settlements:history',
  listSettlements: 'Settlements:list',
  /** The current version of a settlement's details exactly as stored, salt included (what its stub hashes). */
  storedSettlement: 'Settlements:stored',
  /** Where the settlement's record and every version of its details are kept, those versions as stored. */
  settlementEvidence: 'Settlements:evidence',
  /** Which organisations must endorse a write to a settlement (its hospital and its insurer). */
  settlementEndorsers: 'Settlements:endorsers',

  reconciliation: 'Audit:reconciliation',
  statement: 'Statements:get',
  /** A page of a statement's lines, in settlement id order. */
  statementLines: 'Statements:lines',
  confirmStatement: 'Statements:confirm',
  /** The alerts that concern the caller, paged. */
  listAlerts: 'Audit:alerts',
  triageAlert: 'Audit:triageAlert',
  alertHistory: 'Audit:alertHistory',

  /** Writes one small key: the ceiling a transaction on this network can reach, for benchmarks. */
  ping: 'Perf:ping',
} as const;
export type TxName = (typeof Tx)[keyof typeof Tx];

export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  ID_CONFLICT: 'ID_CONFLICT',
  INVALID_STATE: 'INVALID_STATE',
  AMOUNT_MISMATCH: 'AMOUNT_MISMATCH',
  DUPLICATE_INVOICE: 'DUPLICATE_INVOICE',
  /** The proposal's timestamp is too far from the endorsing peer's clock (see context.ts). */
  CLOCK_SKEW: 'CLOCK_SKEW',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The message of every error the chaincode throws, as JSON. */
export interface ChaincodeErrorBody {
  code: ErrorCode;
  message: string;
}

export const EventName = {
  ParticipantRegistered: 'ParticipantRegistered',
  ProductPublished: 'ProductPublished',
  PolicyRegistered: 'PolicyRegistered',
  AuthorisationRecorded: 'AuthorisationRecorded',
  AuthorisationRevoked: 'AuthorisationRevoked',
  SettlementRecorded: 'SettlementRecorded',
  SettlementsRecorded: 'SettlementsRecorded',
  SettlementPaid: 'SettlementPaid',
  SettlementDisputed: 'SettlementDisputed',
  SettlementReversed: 'SettlementReversed',
  DisputeAnswered: 'DisputeAnswered',
  DisputeWithdrawn: 'DisputeWithdrawn',
  SettlementRejected: 'SettlementRejected',
  SettlementRecovered: 'SettlementRecovered',
  SettlementsPaid: 'SettlementsPaid',
  StatementConfirmed: 'StatementConfirmed',
  DuplicateInvoice: 'DuplicateInvoice',
  AlertTriaged: 'AlertTriaged',
  /** Perf:ping, the benchmarks' minimal write. */
  Pinged: 'Pinged',
} as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

/**
 * Payload of every chaincode event (one per transaction). No patientRef, invoice hash or amounts beyond what
 * every party of the record may see: `parties` lists the MSP IDs allowed to see the event (regulators see all).
 */
export interface LedgerEvent {
  type: EventName;
  parties: string[];
  /** Natural keys of the records the transaction wrote, e.g. {hospital, settlementId}. */
  refs: Record<string, string>[];
  /**
   * When the refs do not all concern the same organisations (a batch across insurers, or with alerts): which
   * organisations may see which refs (indices into `refs`). Without it, every party may see every ref.
   */
  scopes?: { parties: string[]; refs: number[] }[];
  status?: SettlementStatus;
}

/**
 * What of `event` an organisation may see: the whole event for a regulator (`seesAll`), else the refs of the
 * scopes naming it (and the parties of those scopes), or undefined when nothing concerns it.
 */
export function eventSeenBy(event: LedgerEvent, mspId: string, seesAll: boolean): LedgerEvent | undefined {
  if (seesAll) return event;
  if (!event.scopes) return event.parties.includes(mspId) ? event : undefined;
  const mine = event.scopes.filter((scope) => scope.parties.includes(mspId));
  if (mine.length === 0) return undefined;
  const { scopes: _scopes, ...rest } = event;
  return {
    ...rest,
    parties: [...new Set(mine.flatMap((scope) => scope.parties))].sort(),
    refs: mine.flatMap((scope) => scope.refs.map((index) => event.refs[index])),
  };
}

// ----- records -----

export type Purpose = 'CLAIM_SETTLEMENT';

/** Who acted: the organisation from the transaction's creator, the user named by the gateway, the tx time. */
export interface Actor {
  mspId: string;
  user: string;
  txId: string;
  /** ISO-8601 UTC, from the transaction timestamp. */
  at: string;
}

export interface Participant {
  mspId: string;
  kind: ParticipantKind;
  name: string;
  recordedBy: Actor;
}

export interface Product {
  productId: string;
  version: number;
  insurer: string;
  name: string;
  annualCap: number;
  accumulatorPeriod: AccumulatorPeriod;
  benefits: Benefit[];
  recordedBy: Actor;
}

export interface Policy {
  policyRef: string;
  productId: string;
  insurer: string;
  patientRef: string;
  validFrom: string;
  validTo: string;
  recordedBy: Actor;
}

export interface Authorisation {
  authorisationId: string;
  patientRef: string;
  insurer: string;
  purpose: Purpose;
  validFrom: string;
  validTo: string;
  evidenceHash: string;
  recordedBy: Actor;
  revokedAt?: string;
  revocation?: { reason: string; by: Actor };
}

export interface SplitLine {
  category: BenefitCategory;
  amount: number;
  deductibleApplied: number;
  eligible: number;
  ratioBps: number;
  paid: number;
  capped: boolean;
}

export interface Split {
  fundShare: number;
  commercialShare: number;
  patientShare: number;
  lines: SplitLine[];
  reason: 'NO_CONSENT' | null;
}

export interface Settlement {
  hospital: string;
  settlementId: string;
  patientRef: string;
  policyRef: string;
  insurer: string;
  productId: string;
  productVersion: number;
  invoiceHash: string;
  admissionDate: string;
  dischargeDate: string;
  mode: SettlementMode;
  /** The REVERSED settlement of the same hospital and invoice that this one replaces. */
  supersedes?: string;
  /**
   * The earlier commercial settlement of the same hospital and invoice (another insurer's): this one paid at most
   * the patient share that settlement left.
   */
  priorSettlement?: string;
  /** Who is owed the commercial share: the hospital (PARALLEL) or the patient (SERIES). */
  payee: Payee;
  /** The accumulator period the split counted in (the key of the policy's accumulators it changed). */
  period: string;
  costs: Costs;
  split: Split;
  status: SettlementStatus;
  payout?: { amount: number; paidAt: string; paymentReference: string; payee: Payee; by: Actor };
  /** At most one dispute: raised by the insurer, answered by the hospital, decided by the insurer. */
  dispute?: {
    reason: string;
    by: Actor;
    answer?: { reason: string; evidenceHash?: string; by: Actor };
    decision?: { outcome: 'WITHDRAWN' | 'UPHELD'; reason?: string; by: Actor };
  };
  reversal?: { reason: string; by: Actor };
  /** Money taken back after the payout, oldest first; each identified by its reference. */
  recoveries?: Recovery[];
  recordedBy: Actor;
  /** The transaction that last wrote the record. */
  txId: string;
  /**
   * Of a REVERSED settlement, the one of its hospital that replaced it (naming it in `supersedes`): read from the
   * ledger's link between the two, never stored in the record itself.
   */
  supersededBy?: string;
}

export interface Recovery {
  amount: number;
  reason: string;
  reference: string;
  recoveredAt: string;
  by: Actor;
}

/**
 * A fraud alert. Every member holds alerts, so they name the records concerned but not their policies: for
 * DUPLICATE_INVOICE the attempt (written instead of a settlement) and the settlement whose invoice it reused; for
 * OVERLAPPING_STAY the settlement just recorded and the other hospital's whose stay it overlaps.
 */
export interface Alert {
  alertId: string;
  type: AlertType;
  /** DUPLICATE_INVOICE: the hash the invoice was recorded under. */
  invoiceHash?: string;
  /** PERIOD_CHANGED: the month (YYYY-MM) whose confirmed statement the change touched. */
  period?: string;
  attempted: { hospital: string; settlementId: string; insurer: string };
  existing: { hospital: string; settlementId: string };
  /** The hospitals and insurers of both records: the organisations the alert concerns (and regulators). */
  parties: string[];
  submitter: Actor;
  at: string;
  status: AlertStatus;
  triage?: { status: AlertStatus; note: string; by: Actor };
}

// ----- results -----

/** Writes that are idempotent by natural id say whether they wrote. */
export interface WriteResult<T> {
  created: boolean;
  record: T;
}

/** A submitted item's outcome; `Recorded` is what a recorded (or already recorded) item's result carries. */
type ItemOutcome<Recorded> =
  | ({ outcome: 'RECORDED' | 'EXISTING' } & Recorded)
  | { outcome: 'DUPLICATE_INVOICE'; alert: Alert; existing: SettlementKey }
  | { outcome: 'REJECTED'; error: ChaincodeErrorBody };

export type SubmitSettlementResult = ItemOutcome<{ settlement: Settlement }>;

/** The fields a settlement record keeps from its submitted item, exactly as they were submitted. */
export const SETTLEMENT_ITEM_FIELDS = [
  'settlementId',
  'patientRef',
  'policyRef',
  'invoiceHash',
  'admissionDate',
  'dischargeDate',
  'mode',
  'costs',
  'supersedes',
  'priorSettlement',
] as const;
type SettlementItemField = (typeof SETTLEMENT_ITEM_FIELDS)[number];
/** A record less its item's fields: what the ledger added (split, status, insurer, product, recorder). */
export type SettlementAdditions = Omit<Settlement, SettlementItemField>;

/**
 * A batch's item results leave out what the caller sent: each would otherwise repeat its item in the
 * transaction, which every peer then stores, hashes and decodes (an eighth of a 100-item batch's bytes).
 * `settlementOfBatchItem` puts a record back together from its item and its result.
 */
export type SubmitBatchItemResult = ItemOutcome<{ added: SettlementAdditions }>;
export interface SubmitSettlementBatchResult {
  results: SubmitBatchItemResult[];
}

export function batchItemResult(result: SubmitSettlementResult): SubmitBatchItemResult {
  if (!('settlement' in result)) return result;
  const added: Partial<Settlement> = { ...result.settlement };
  for (const field of SETTLEMENT_ITEM_FIELDS) delete added[field];
  return { outcome: result.outcome, added: added as SettlementAdditions };
}

/**
 * The submit result a batch item's result stands for. A recorded item's fields are its record's (the
 * chaincode keeps them unchanged, and an existing record is only EXISTING when they are the same).
 */
export function settlementOfBatchItem(
  item: Pick<Settlement, SettlementItemField>,
  result: SubmitBatchItemResult,
): SubmitSettlementResult {
  if (!('added' in result)) return result;
  const present = SETTLEMENT_ITEM_FIELDS.filter((field) => item[field] !== undefined);
  const fields = Object.fromEntries(present.map((field) => [field, item[field]]));
  return { outcome: result.outcome, settlement: { ...result.added, ...fields } as Settlement };
}

/**
 * A settlement's ledger keys and private versions, for its evidence package: the public record's key, the
 * collection of its details, and each version of them (one per transaction that wrote the record, oldest first)
 * under its key, exactly as stored.
 */
export interface SettlementRecordKeys {
  insurer: string;
  key: string;
  collection: string;
  versions: { txId: string; key: string; stored: string }[];
}

export interface HistoryEntry<T> {
  txId: string;
  timestamp: string;
  /** The organisation that wrote this version (from the actor the version records). */
  mspId: string;
  isDelete: boolean;
  value: T | null;
}

export interface Page<T> {
  items: T[];
  /** Empty when there is nothing more. */
  bookmark: string;
}

/** The amounts (fen) of one settlement as a statement lists it, or of many added up. */
export interface SettlementAmounts {
  total: number;
  fundShare: number;
  commercialShare: number;
  patientShare: number;
  paid: number;
  /** Taken back after payment (recoveries). */
  recovered: number;
  /** The commercial share still to pay: of settlements AWAITING_PAYOUT or DISPUTED. */
  outstanding: number;
}

export interface Reconciliation extends SettlementAmounts {
  count: number;
  /** paid − recovered. */
  net: number;
  byStatus: Record<SettlementStatus, { count: number; commercialShare: number }>;
  /** The settlements that stand, by whom their commercial share is owed: hospitals (PARALLEL) or patients (SERIES). */
  byPayee: Record<Payee, PayeeTotals>;
}

/** A settlement as a month's statement lists it (amounts in fen). */
export interface StatementLine extends SettlementAmounts {
  settlementId: string;
  dischargeDate: string;
  status: SettlementStatus;
  payee: Payee;
  paymentReference?: string;
}

export type StatementParty = 'hospital' | 'insurer';

/** A party's agreement to a statement: the list it agreed to (by hash) and what it added up to then. */
export interface StatementConfirmation {
  listHash: string;
  count: number;
  totals: Reconciliation;
  by: Actor;
}

/** A hospital's and an insurer's statement of a month (by discharge date). */
export interface Statement {
  hospital: string;
  insurer: string;
  month: string;
  /** SHA-256 of the canonical JSON of the lines, in settlement id order. */
  listHash: string;
  totals: Reconciliation;
  confirmations: Partial<Record<StatementParty, StatementConfirmation>>;
  /** Both parties confirmed the lines as they stand. */
  agreed: boolean;
  /** A confirmation names a list that has changed since. */
  needsReconfirmation: boolean;
}

/** The settlements of one hospital that one payment of an insurer covered. */
export interface Remittance {
  insurer: string;
  hospital: string;
  paymentReference: string;
  paidAt: string;
  /** In the order they were paid. */
  items: { settlementId: string; amount: number }[];
  total: number;
}

/** A bulk payout's outcome for one settlement: paid now, paid before under the same reference, or refused. */
export type PayoutItemResult =
  | { settlementId: string; outcome: 'PAID' | 'EXISTING'; txId: string }
  | { settlementId: string; outcome: 'REJECTED'; error: ChaincodeErrorBody };

export interface PayoutBatchResult {
  results: PayoutItemResult[];
  remittance: Remittance;
}

export interface PayeeTotals {
  count: number;
  commercialShare: number;
  paid: number;
  recovered: number;
  net: number;
  outstanding: number;
}

/** One of the patient's policies active on the date asked about, as far as the caller may see it. */
export interface EligiblePolicy {
  policyRef: string;
  insurer: string;
  productId: string;
  /** The product's latest version, which a settlement now would follow. */
  productVersion: number;
  productName: string;
  validFrom: string;
  validTo: string;
  /** An active CLAIM_SETTLEMENT authorisation for the insurer on the date, and its last day. */
  consent: { active: boolean; until: string | null };
  accumulatorPeriod: AccumulatorPeriod;
  /** The first day of the accumulator period the date falls in. */
  periodStart: string;
  /** What the period's accumulators leave: of the product's cap, and per benefit of its deductible and cap. */
  remaining: {
    total: number;
    benefits: { category: BenefitCategory; ratioBps: number; deductible: number; cap: number | null }[];
  };
}

export interface Eligibility {
  date: string;
  /** By insurer, then policy reference. */
  policies: EligiblePolicy[];
}

/**
 * A preview: what submitting the same request now would record (NEW), or the record it would find (EXISTING),
 * or the settlement whose invoice it would reuse (DUPLICATE_INVOICE, and no alert is written).
 */
export type SettlementPreview =
  | {
      outcome: 'NEW' | 'EXISTING';
      split: Split;
      status: SettlementStatus;
      payee: Payee;
      period: string;
      /** The accumulators of the period after this settlement (absent for an EXISTING one). */
      accumulatorsAfter?: Accumulators;
    }
  | { outcome: 'DUPLICATE_INVOICE'; existing: SettlementKey };

export interface EndorsersResult {
  organisations: string[];
  /** For a new settlement: the insurer of the patient's policy, which the submit must name. */
  insurer?: string;
}

/** What each transaction answers (its JSON result), for callers that want it typed. */
export interface TxResults {
  'Participants:register': WriteResult<Participant>;
  'Participants:get': Participant;
  'Participants:list': Participant[];
  'Products:publish': WriteResult<Product>;
  'Products:get': Product;
  /** Latest versions in productId order; paged like Settlements:list. */
  'Products:list': Page<Product>;
  'Policies:register': WriteResult<Policy>;
  'Policies:get': Policy;
  'Authorisations:record': WriteResult<Authorisation>;
  /** created is false when it was already revoked for the same reason (nothing written); another is ID_CONFLICT. */
  'Authorisations:revoke': WriteResult<Authorisation>;
  'Authorisations:get': Authorisation;
  'Settlements:submit': SubmitSettlementResult;
  'Settlements:submitBatch': SubmitSettlementBatchResult;
  /**
   * created is false when the same payout / dispute / reversal was already recorded (nothing written); the
   * same step with other content is ID_CONFLICT.
   */
  'Settlements:payout': WriteResult<Settlement>;
  'Settlements:preview': SettlementPreview;
  'Policies:eligibility': Eligibility;
  'Settlements:dispute': WriteResult<Settlement>;
  'Settlements:reverse': WriteResult<Settlement>;
  'Settlements:answerDispute': WriteResult<Settlement>;
  'Settlements:withdrawDispute': WriteResult<Settlement>;
  'Settlements:upholdDispute': WriteResult<Settlement>;
  'Settlements:recover': WriteResult<Settlement>;
  'Settlements:payoutBatch': PayoutBatchResult;
  'Settlements:remittance': Remittance;
  'Settlements:get': Settlement;
  'Settlements:history': HistoryEntry<Settlement>[];
  'Settlements:stored': { stored: string };
  'Settlements:evidence': SettlementRecordKeys;
  /** A page holds fewer than `limit` items while its bookmark says more follow only when the scan bound was hit. */
  'Settlements:list': Page<Settlement>;
  'Settlements:endorsers': EndorsersResult;
  'Audit:reconciliation': Reconciliation;
  'Statements:get': Statement;
  'Statements:lines': Page<StatementLine>;
  /** The party's confirmation; created is false when it had already confirmed the same list (nothing written). */
  'Statements:confirm': WriteResult<StatementConfirmation>;
  /** Oldest first; paged like Settlements:list. */
  'Audit:alerts': Page<Alert>;
  /** created is false when it was already triaged alike (nothing written); otherwise triaged is INVALID_STATE. */
  'Audit:triageAlert': WriteResult<Alert>;
  'Audit:alertHistory': HistoryEntry<Alert>[];
  'Perf:ping': { txId: string };
}
