/**
 * Facts about a settlement record shared by its writes and its reads. Every member holds its stub; each
 * version of its details is a key of its own in the collection of its hospital and insurer (Fabric keeps no
 * history of private data), and the stub names the version that is current.
 */
import type { Actor, Settlement, SettlementKey, SettlementRecordKeys, SettlementStatus } from '../api';
import { settlementsCollection } from '../collections';
import { KeyType, type Ledger } from '../ledger';
import { PAYEE_OF_MODE, type Payee } from '../schemas';
import { recordLine } from './statements';

/** What every member holds of a settlement. */
export interface SettlementStub extends SettlementKey {
  insurer: string;
  status: SettlementStatus;
  /** The transaction that wrote the current version. */
  txId: string;
  /** SHA-256 of the current version as stored (salted), as getPrivateDataHash answers it. */
  detailsHash: string;
}

export const settlementParties = (s: Pick<Settlement, 'hospital' | 'insurer'>): string[] => [
  s.hospital,
  s.insurer,
];

export function settlementKey(ledger: Ledger, key: SettlementKey): string {
  return ledger.key(KeyType.settlement, key.hospital, key.settlementId);
}

const versionKey = (ledger: Ledger, key: SettlementKey, txId: string): string =>
  ledger.key(KeyType.settlementVersion, key.hospital, key.settlementId, txId);

export async function findStub(ledger: Ledger, key: SettlementKey): Promise<SettlementStub | undefined> {
  return ledger.get<SettlementStub>(settlementKey(ledger, key));
}

/** The version `txId` wrote (the current one by default); only the settlement's parties and regulators read it. */
export async function settlementAt(
  ledger: Ledger,
  stub: SettlementStub,
  txId = stub.txId,
): Promise<Settlement> {
  const collection = settlementsCollection(stub.hospital, stub.insurer);
  return (await ledger.get<Settlement>(versionKey(ledger, stub, txId), collection)) as Settlement;
}

/** Every version of the details, oldest first, under its key and exactly as stored: one per write of the stub. */
export async function storedVersions(ledger: Ledger, stub: SettlementStub): Promise<SettlementRecordKeys> {
  const collection = settlementsCollection(stub.hospital, stub.insurer);
  const key = settlementKey(ledger, stub);
  const versions: SettlementRecordKeys['versions'] = [];
  for (const { txId, value } of await ledger.history<SettlementStub>(key)) {
    if (value === null) continue;
    versions.push({
      txId,
      key: versionKey(ledger, stub, txId),
      stored: await storedVersion(ledger, stub, txId),
    });
  }
  return { insurer: stub.insurer, key, collection, versions };
}

/** The version `txId` wrote (the current one by default) exactly as stored, salt included. */
export async function storedVersion(ledger: Ledger, stub: SettlementStub, txId = stub.txId): Promise<string> {
  const collection = settlementsCollection(stub.hospital, stub.insurer);
  return (await ledger.getStored(versionKey(ledger, stub, txId), collection)) as string;
}

/**
 * Writes a new version of the settlement (`previous` is the one it follows, none for a new settlement) and points
 * the stub at it, and the settlement's line on its month's statement. A new stub gets a key-level policy naming
 * both parties; the versions need both through their collection's endorsement policy. Answers whether the version
 * changed a month both parties had confirmed (see recordLine).
 */
export async function storeSettlement(
  ledger: Ledger,
  settlement: Settlement,
  previous?: Settlement,
): Promise<boolean> {
  const collection = settlementsCollection(settlement.hospital, settlement.insurer);
  const stub: SettlementStub = {
    hospital: settlement.hospital,
    settlementId: settlement.settlementId,
    insurer: settlement.insurer,
    status: settlement.status,
    txId: ledger.txId,
    detailsHash: await ledger.put(versionKey(ledger, settlement, ledger.txId), settlement, collection),
  };
  const key = settlementKey(ledger, stub);
  await ledger.put(key, stub);
  if (!previous) await ledger.requireEndorsement(key, settlementParties(stub));
  return recordLine(ledger, settlement, previous);
}

/** Who wrote this version: of everyone who acted on the settlement, the one of the transaction that wrote it. */
export function lastActor(s: Settlement): Actor {
  const actors = [
    s.payout?.by,
    s.dispute?.by,
    s.dispute?.answer?.by,
    s.dispute?.decision?.by,
    s.reversal?.by,
    ...(s.recoveries ?? []).map((recovery) => recovery.by),
  ];
  return actors.find((actor) => actor?.txId === s.txId) ?? s.recordedBy;
}

/** What recoveries took back of the settlement's payout so far. */
export const recoveredTotal = (s: Settlement): number =>
  (s.recoveries ?? []).reduce((sum, recovery) => sum + recovery.amount, 0);

/** Whether a settlement still stands, neither reversed nor rejected (an unknown one is taken to stand). */
export const stands = (status: SettlementStatus | undefined): boolean =>
  status !== 'REVERSED' && status !== 'REJECTED';

/**
 * A settlement's payee and accumulator period. Records made before settlements named them are read as they were
 * made: the payee that their mode implies, the calendar year of their discharge.
 */
export const payeeOf = (s: Settlement): Payee => s.payee ?? PAYEE_OF_MODE[s.mode];
export const periodOf = (s: Settlement): string => s.period ?? s.dischargeDate.slice(0, 4);
