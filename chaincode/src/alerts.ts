/**
 * Fraud alerts: public records (every member holds them) keyed by the time they were raised, so that lists run
 * oldest first; an index finds one by its id. Each names the organisations it concerns; a regulator triages it.
 */
import { EventName, type Alert, type Page, type Settlement, type TriageAlertRequest } from './api';
import type { EventPart } from './events';
import { canSee, visible, type Caller } from './access';
import { idConflict, invalidState } from './errors';
import { calendarDate, KeyType, type Ledger } from './ledger';
import { filteredPage } from './pages';
import { writeResult } from './records';
import { stampSeal } from './hospital-seal';
import { findStub } from './settlements/record';
import { monthOf } from './settlements/statements';
import type { AlertsRequest } from './schemas';

export const alertKey = (ledger: Ledger, alert: Pick<Alert, 'at' | 'alertId'>): string =>
  ledger.key(KeyType.alert, alert.at, alert.alertId);

const indexKey = (ledger: Ledger, alertId: string): string => ledger.key(KeyType.alertById, alertId);

export async function storeAlert(ledger: Ledger, alert: Alert, created: boolean): Promise<void> {
  await ledger.put(alertKey(ledger, alert), alert);
  if (created) await ledger.put(indexKey(ledger, alert.alertId), { at: alert.at });
}

/** An alert as raised: OPEN, by the submitter, for the hospitals and insurers of both records. */
export async function raiseAlert(
  ledger: Ledger,
  user: string,
  fields: Pick<Alert, 'alertId' | 'type' | 'invoiceHash' | 'period' | 'attempted' | 'existing'>,
): Promise<Alert> {
  const submitter = ledger.actor(user);
  const existingInsurer = (await findStub(ledger, fields.existing))?.insurer;
  const parties = [fields.attempted.hospital, fields.attempted.insurer, fields.existing.hospital];
  if (existingInsurer !== undefined) parties.push(existingInsurer);
  const alert: Alert = {
    ...fields,
    parties: [...new Set(parties)].sort(),
    submitter,
    at: submitter.at,
    status: 'OPEN',
  };
  await storeAlert(ledger, alert, true);
  await stampSeal(ledger, fields.attempted.hospital);
  return alert;
}

/** A settlement changed in a month whose statement both parties had confirmed: an alert for them to agree again. */
export async function raisePeriodChanged(
  ledger: Ledger,
  user: string,
  s: Pick<Settlement, 'hospital' | 'insurer' | 'settlementId' | 'dischargeDate'>,
  alertId: string,
): Promise<EventPart> {
  const key = { hospital: s.hospital, settlementId: s.settlementId };
  const alert = await raiseAlert(ledger, user, {
    alertId,
    type: 'PERIOD_CHANGED',
    period: monthOf(s),
    attempted: { ...key, insurer: s.insurer },
    existing: key,
  });
  return { parties: alert.parties, refs: [{ alertId }] };
}

export async function findAlert(ledger: Ledger, alertId: string): Promise<Alert | undefined> {
  const index = await ledger.get<{ at: string }>(indexKey(ledger, alertId));
  return index && ledger.get<Alert>(alertKey(ledger, { at: index.at, alertId }));
}

const partiesOf = (alert: Alert): string[] => alert.parties;

/** The alert if the caller may see it: one it concerns, or any for a regulator. */
export async function visibleAlert(ledger: Ledger, caller: Caller, alertId: string): Promise<Alert> {
  return visible(caller, await findAlert(ledger, alertId), partiesOf, `alert ${alertId}`);
}

/** A page of the alerts that concern the caller and match the filter, oldest first. */
export async function pageOfAlerts(
  ledger: Ledger,
  caller: Caller,
  { limit, bookmark, ...filter }: AlertsRequest,
): Promise<Page<Alert>> {
  const matches = (alert: Alert): boolean => {
    const day = calendarDate(alert.at);
    return (
      canSee(caller, alert.parties) &&
      (filter.type === undefined || alert.type === filter.type) &&
      (filter.status === undefined || alert.status === filter.status) &&
      (filter.from === undefined || day >= filter.from) &&
      (filter.to === undefined || day <= filter.to)
    );
  };
  const range = { type: KeyType.alert, attributes: [] };
  const accept = async ({ value }: { value: Alert }) => (matches(value) ? value : undefined);
  return filteredPage(ledger, range, accept, limit, bookmark);
}

/**
 * A regulator's decision on an open alert, recorded with its actor; the same decision again writes nothing,
 * another on a triaged alert is refused.
 */
export async function triage(ledger: Ledger, caller: Caller, request: TriageAlertRequest): Promise<string> {
  const { actor, alertId, status, note } = request;
  const alert = await visibleAlert(ledger, caller, alertId);
  if (alert.triage) {
    if (alert.triage.status === status && alert.triage.note === note) return writeResult(false, alert);
    if (alert.triage.status === status) throw idConflict(`triage of alert ${alertId}`);
    throw invalidState(`alert ${alertId} is already ${alert.status}`);
  }
  const triaged: Alert = { ...alert, status, triage: { status, note, by: ledger.actor(actor) } };
  await storeAlert(ledger, triaged, false);
  ledger.emit({ type: EventName.AlertTriaged, parties: triaged.parties, refs: [{ alertId }] });
  return writeResult(true, triaged);
}
