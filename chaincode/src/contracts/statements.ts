/**
 * Statements: a month's statement of a hospital and an insurer (对账), read by both and by regulators, and each
 * party's confirmation of it.
 */
import { Transaction } from 'fabric-contract-api';
import { EventName, type StatementParty } from '../api';
import { ensureRegisteredPair, visible, type Caller } from '../access';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import type { Ledger } from '../ledger';
import { writeResult } from '../records';
import * as requests from '../schemas';
import { confirmStatement, pageOfLines, statementOf, type StatementKey } from '../settlements/statements';
import { parseRequest } from '../validation';

const statementName = (key: StatementKey) => `statement ${key.hospital}/${key.insurer}/${key.month}`;

/**
 * The statement's key if the caller may act as one of `parties` (a regulator on any), and its hospital and
 * insurer are registered as such; NOT_FOUND otherwise.
 */
async function visibleStatement<K extends StatementKey>(
  ledger: Ledger,
  caller: Caller,
  key: K,
  parties: readonly StatementParty[] = ['hospital', 'insurer'],
): Promise<K> {
  visible(caller, key, (k) => parties.map((party) => k[party]), statementName(key));
  await ensureRegisteredPair(ledger, key, statementName(key));
  return key;
}

export class StatementsContract extends LedgerContract {
  constructor() {
    super('Statements');
  }

  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const key = await visibleStatement(ledger, caller, parseRequest(request, requests.statementKey));
    return canonicalJson(await statementOf(ledger, key));
  }

  @Transaction(false)
  async lines(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const { limit, bookmark, ...key } = parseRequest(request, requests.statementLines);
    await visibleStatement(ledger, caller, key);
    return canonicalJson(await pageOfLines(ledger, key, limit, bookmark));
  }

  /** The caller's organisation, the statement's hospital or insurer, agrees to the list whose hash it names. */
  @Transaction()
  async confirm(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const { actor, listHash, settlementIds, ...key } = ctx.request(requests.confirmStatement);
    const party: StatementParty = caller.kind === 'HOSPITAL' ? 'hospital' : 'insurer';
    await visibleStatement(ledger, caller, key, [party]);
    const agreed = { listHash, settlementIds };
    const by = ledger.actor(actor);
    const { created, confirmation } = await confirmStatement(ledger, key, party, agreed, by);
    if (created)
      ledger.emit({ type: EventName.StatementConfirmed, parties: [key.hospital, key.insurer], refs: [key] });
    return writeResult(created, confirmation);
  }
}
