/** Audit views: reconciliation totals (regulators any, others their own) and fraud alerts with their triage. */
import { Transaction } from 'fabric-contract-api';
import type { Alert, HistoryEntry, StatementLine } from '../api';
import { alertKey, pageOfAlerts, triage, visibleAlert } from '../alerts';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import * as requests from '../schemas';
import { allSettlements } from '../settlements/queries';
import { lineOf, reconcile } from '../settlements/statements';
import { parseRequest } from '../validation';

export class AuditContract extends LedgerContract {
  constructor() {
    super('Audit');
  }

  /** Over settlements discharged in [from, to] that the caller may see. */
  @Transaction(false)
  async reconciliation(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    const filter = parseRequest(request, requests.reconciliation);
    const lines: StatementLine[] = [];
    for await (const settlement of allSettlements(ctx.ledger, caller, filter)) lines.push(lineOf(settlement));
    return canonicalJson(reconcile(lines));
  }

  /** The alerts that concern the caller (any for a regulator), oldest first, filtered and paged. */
  @Transaction(false)
  async alerts(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    return canonicalJson(await pageOfAlerts(ctx.ledger, caller, parseRequest(request, requests.alerts)));
  }

  @Transaction()
  async triageAlert(ctx: LedgerContext): Promise<string> {
    const caller = await ctx.caller('REGULATOR');
    return triage(ctx.ledger, caller, ctx.request(requests.triageAlert));
  }

  /** Every version of an alert, oldest first, with the organisation that wrote it. */
  @Transaction(false)
  async alertHistory(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const alert = await visibleAlert(ledger, caller, parseRequest(request, requests.alertLookup).alertId);
    const entries: HistoryEntry<Alert>[] = [];
    for (const { value, ...version } of await ledger.history<Alert>(alertKey(ledger, alert))) {
      entries.push({ ...version, value, mspId: (value?.triage?.by ?? value?.submitter)?.mspId ?? '' });
    }
    return canonicalJson(entries);
  }
}
