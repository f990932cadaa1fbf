/**
 * Which settlements used an invoice, in order. The first use is free; after it, only a settlement that replaces a
 * REVERSED one of the same hospital (naming it in `supersedes`), once no use stands, may use it again. Any other
 * use is a duplicate (重复报销), whichever hospital, insurer or settlement id.
 */
import type { Settlement, SettlementKey } from '../api';
import { KeyType, type Ledger } from '../ledger';
import { findStub, stands } from './record';

interface InvoiceUses {
  uses: SettlementKey[];
}

const invoiceKey = (ledger: Ledger, invoiceHash: string): string => ledger.key(KeyType.invoice, invoiceHash);

const supersessionKey = (ledger: Ledger, replaced: SettlementKey): string =>
  ledger.key(KeyType.supersession, replaced.hospital, replaced.settlementId);

/** The settlements that used the invoice, oldest first (records made before reuse was possible name one). */
export async function invoiceUses(ledger: Ledger, invoiceHash: string): Promise<SettlementKey[]> {
  const stored = await ledger.get<InvoiceUses | SettlementKey>(invoiceKey(ledger, invoiceHash));
  if (stored === undefined) return [];
  return 'uses' in stored ? stored.uses : [stored];
}

/** Adds a use of the invoice; a replacement also links the settlement it replaces to itself. */
export async function recordInvoiceUse(
  ledger: Ledger,
  invoiceHash: string,
  uses: readonly SettlementKey[],
  use: SettlementKey,
  supersedes: string | undefined,
): Promise<void> {
  await ledger.put(invoiceKey(ledger, invoiceHash), { uses: [...uses, use] } satisfies InvoiceUses);
  if (supersedes !== undefined) {
    const replaced = { hospital: use.hospital, settlementId: supersedes };
    await ledger.put(supersessionKey(ledger, replaced), { settlementId: use.settlementId });
  }
}

/** The settlement of the same hospital that replaced a REVERSED one, if any. */
async function supersededBy(ledger: Ledger, replaced: SettlementKey): Promise<string | undefined> {
  return (await ledger.get<{ settlementId: string }>(supersessionKey(ledger, replaced)))?.settlementId;
}

/** A settlement as read: a REVERSED one names the settlement that replaced it, if one did. */
export async function withReplacement(ledger: Ledger, settlement: Settlement): Promise<Settlement> {
  if (settlement.status !== 'REVERSED') return settlement;
  const replacement = await supersededBy(ledger, settlement);
  return replacement === undefined ? settlement : { ...settlement, supersededBy: replacement };
}

/**
 * Whether a new settlement of `hospital` that replaces `supersedes` (if it names one) may use an invoice already
 * used by `uses`: undefined if it may, else the use it duplicates (the last that stands, else the last).
 */
export async function duplicatedUse(
  ledger: Ledger,
  hospital: string,
  supersedes: string | undefined,
  uses: readonly SettlementKey[],
): Promise<SettlementKey | undefined> {
  const standing: SettlementKey[] = [];
  let replaceable = false;
  for (const use of uses) {
    const status = (await findStub(ledger, use))?.status;
    if (stands(status)) standing.push(use);
    if (use.hospital === hospital && use.settlementId === supersedes && status === 'REVERSED')
      replaceable = (await supersededBy(ledger, use)) === undefined;
  }
  return replaceable && standing.length === 0 ? undefined : (standing.at(-1) ?? uses.at(-1));
}
