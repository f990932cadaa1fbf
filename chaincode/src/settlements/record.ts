/** Facts about a settlement record shared by its writes and its reads. */
import type { Actor, Settlement, SettlementKey } from '../api';
import { KeyType, type Ledger } from '../ledger';

export const settlementParties = (s: Settlement): string[] => [s.hospital, s.insurer];

export function settlementKey(ledger: Ledger, key: SettlementKey): string {
  return ledger.key(KeyType.settlement, key.hospital, key.settlementId);
}

export async function findSettlement(ledger: Ledger, key: SettlementKey): Promise<Settlement | undefined> {
  return ledger.get<Settlement>(settlementKey(ledger, key));
}

/** Who wrote this version: statuses only move forward, so the latest step present is the last writer. */
export function lastActor(s: Settlement): Actor {
  return s.reversal?.by ?? s.payout?.by ?? s.dispute?.by ?? s.recordedBy;
}
