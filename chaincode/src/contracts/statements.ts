/**
 * Statements: a month's statement of a hospital and an insurer (对账), read by both and by regulators, and each
 * party's confirmation of it.
 */
import { Transaction } from 'fabric-contract-api';
import { EventName, type StatementParty } from '../api';
import { visible, type Caller } from '../access';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { writeResult } from '../records';
import * as requests from '../schemas';
import { confirmStatement, pageOfLines, statementOf } from '../settlements/statements';
import { parseRequest } from '../validation';

type StatementKey = { hospital: string; insurer: string; month: string };

/** The statement's key if the caller is one of its parties or a regulator; NOT_FOUND otherwise. */
const visibleStatement = <K extends StatementKey>(caller: Caller, key: K): K =>
  visible(
    caller,
    key,
    (k) => [k.hospital, k.insurer],
    `statement ${key.hospital}/${key.insurer}/${key.month}`,
  );

export class StatementsContract extends LedgerContract {
  constructor() {
    super('Statements');
  }

  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    const key = visibleStatement(await ctx.caller(), parseRequest(request, requests.statementKey));
    return canonicalJson(await statementOf(ctx.ledger, key, key.month));
  }

  @Transaction(false)
  async lines(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    const { limit, bookmark, ...key } = visibleStatement(
      caller,
      parseRequest(request, requests.statementLines),
    );
    return canonicalJson(await pageOfLines(ctx.ledger, key, key.month, limit, bookmark));
  }

  /** The caller's organisation, the statement's hospital or insurer, agrees to the list whose hash it names. */
  @Transaction()
  async confirm(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('HOSPITAL', 'INSURER');
    const { actor, listHash, settlementIds, ...key } = ctx.request(requests.confirmStatement);
    const party: StatementParty = caller.kind === 'HOSPITAL' ? 'hospital' : 'insurer';
    visible(caller, key, (k) => [k[party]], `statement ${key.hospital}/${key.insurer}/${key.month}`);
    const agreed = { listHash, settlementIds };
    const { created, confirmation } = await confirmStatement(
      ledger,
      key,
      key.month,
      party,
      agreed,
      ledger.actor(actor),
    );
    if (created)
      ledger.emit({ type: EventName.StatementConfirmed, parties: [key.hospital, key.insurer], refs: [key] });
    return writeResult(created, confirmation);
  }
}
