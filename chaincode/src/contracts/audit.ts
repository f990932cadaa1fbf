/** Regulators' views: reconciliation totals (others get their own) and duplicate-invoice alerts. */
import { Transaction } from 'fabric-contract-api';
import type { Alert, Settlement } from '../api';
import { canonicalJson, compareText } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { calendarDate, KeyType } from '../ledger';
import * as requests from '../schemas';
import { allSettlements, reconcile } from '../settlements/queries';
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
    const settlements: Settlement[] = [];
    for await (const settlement of allSettlements(ctx.ledger, caller, filter)) settlements.push(settlement);
    return canonicalJson(reconcile(settlements));
  }

  /** Alerts raised on days in [from, to] (the ledger's calendar), oldest first (few: they are sorted here). */
  @Transaction(false)
  async alerts(ctx: LedgerContext, request: string): Promise<string> {
    await ctx.caller('REGULATOR');
    const { from, to } = parseRequest(request, requests.alerts);
    const alerts: Alert[] = [];
    for await (const { value } of ctx.ledger.scanAll<Alert>(KeyType.alert)) {
      const day = calendarDate(value.at);
      if ((from === undefined || day >= from) && (to === undefined || day <= to)) alerts.push(value);
    }
    // Alerts of one batch share a time; their ids end in the item's index, which the length orders first.
    alerts.sort(
      (a, b) =>
        compareText(a.at, b.at) || a.alertId.length - b.alertId.length || compareText(a.alertId, b.alertId),
    );
    return canonicalJson(alerts);
  }
}
