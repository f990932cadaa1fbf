/**
 * Which settlements used an invoice, in order. The first use is free; after it, only a settlement that replaces a
 * REVERSED one of the same hospital (naming it in `supersedes`), once no use stands, may use it again. Any other
 * use is a duplicate (重复报销), whichever hospital, insurer or settlement id.
 */
import type { Settlement, SettlementKey } from '../api';
import { KeyType, type Ledger } from '../ledger';
import { findStub, stands, type SettlementStub } from './record';

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

/** What a new settlement says of its invoice's earlier uses. */
export interface Reuse {
  hospital: string;
  insurer: string;
  /** A REVERSED use of the same hospital that the new settlement replaces. */
  supersedes?: string;
  /** The last standing use, of the same hospital and another insurer, whose patient share it pays towards. */
  priorSettlement?: string;
}

/**
 * Whether a new settlement may use an invoice already used by `uses`: a replacement of a REVERSED use of the same
 * hospital, not replaced before, once no use stands; a later insurer's settlement on the last standing use, of
 * the same hospital, when no standing use is the new insurer's (or both). Answers the earlier settlement a later
 * insurer pays towards, or the use the new settlement duplicates (the last that stands, else the last).
 */
export async function reuseOf(
  ledger: Ledger,
  reuse: Reuse,
  uses: readonly SettlementKey[],
): Promise<{ prior?: SettlementStub } | { duplicates: SettlementKey }> {
  const standing: SettlementStub[] = [];
  let replaceable = false;
  for (const use of uses) {
    const stub = await findStub(ledger, use);
    // Every use's stub was written with it.
    if (stub !== undefined && stands(stub.status)) standing.push(stub);
    if (
      use.hospital === reuse.hospital &&
      use.settlementId === reuse.supersedes &&
      stub?.status === 'REVERSED'
    )
      replaceable = (await supersededBy(ledger, use)) === undefined;
  }
  const last = standing.at(-1);
  const { hospital, settlementId } = last ?? (uses.at(-1) as SettlementKey);
  const duplicates = { duplicates: { hospital, settlementId } };
  if (reuse.supersedes !== undefined && !replaceable) return duplicates;
  if (reuse.priorSettlement === undefined) return reuse.supersedes !== undefined && !last ? {} : duplicates;
  const onPrior =
    last?.hospital === reuse.hospital &&
    last.settlementId === reuse.priorSettlement &&
    standing.every((stub) => stub.insurer !== reuse.insurer);
  return onPrior ? { prior: last } : duplicates;
}
