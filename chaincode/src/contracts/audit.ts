/** Audit views: reconciliation totals (regulators any, others their own) and fraud alerts with their triage. */
import { Transaction } from 'fabric-contract-api';
import type { Alert, HistoryEntry, StatementLine } from '../api';
import { alertKey, pageOfAlerts, triage, visibleAlert } from '../alerts';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import * as requests from '../schemas';
import { allSettlements } from '../settlements/queries';
import { lineOf, linesBetween, reconcile } from '../settlements/statements';
import { registeredPairs } from '../access';
import { isServingInsurer } from '../policies/record';
import { parseRequest } from '../validation';

export class AuditContract extends LedgerContract {
  constructor() {
    super('Audit');
  }

  /**
   * Over settlements discharged in [from, to] that the caller may see. Over a period, the statements' lines of
   * every registered pair the caller may see and named are read month by month, so the cost follows the answer;
   * without a period, the settlements themselves.
   */
  @Transaction(false)
  async reconciliation(ctx: LedgerContext, request: string): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    const filter = parseRequest(request, requests.reconciliation);
    const hospital = caller.kind === 'HOSPITAL' ? caller.mspId : filter.hospital;
    const insurer = caller.kind === 'INSURER' ? caller.mspId : filter.insurer;
    const { from, to } = filter;
    let lines: StatementLine[] = [];
    if (from === undefined || to === undefined) {
      for await (const settlement of allSettlements(ledger, caller, filter)) lines.push(lineOf(settlement));
    } else if ((filter.hospital ?? hospital) === hospital && (filter.insurer ?? insurer) === insurer) {
      // An insurer registered ahead of joining the channel has no collections yet: reading one would fail.
      for (const pair of await registeredPairs(ledger, { hospital, insurer }))
        if (await isServingInsurer(ledger, pair.insurer))
          lines = lines.concat(await linesBetween(ledger, pair, from, to));
    }
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
