/**
 * The auditor's view of the consortium over a span of months: settlements and the commercial share, paid and
 * outstanding, by month, hospital and insurer (the gateway's reconciliation, one call per party and month);
 * how long payouts took after discharge; alerts by type and status.
 */
import { useMemo, useState } from 'preact/hooks';
import { get, getAll } from '../api';
import { Bars, Series } from '../chart';
import { lastDayOf, monthBefore, monthsBetween } from '../../../chaincode/src/calendar';
import { todayInChina } from '../format';
import { Key, useI18n } from '../i18n';
import type { Alert, Reconciliation, Settlement } from '../types';
import { Field, Problem, Section, useLive, useLoad } from '../ui';
import { useSession } from '../App';

const DAY_BUCKETS = [7, 14, 30, 60, Infinity];

/** Longest span the dashboard reads: each month costs a reconciliation per hospital and insurer. */
const MAX_MONTHS = 36;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

export function Dashboard() {
  const { t } = useI18n();
  const { participants } = useSession();
  const live = useLive();
  const today = todayInChina();
  const [span, setSpan] = useState({ from: monthBefore(today, 2), to: monthBefore(today, 0) });
  const hospitals = participants.filter((p) => p.kind === 'HOSPITAL').map((p) => p.mspId);
  const insurers = participants.filter((p) => p.kind === 'INSURER').map((p) => p.mspId);
  const months = useMemo(() => monthsBetween(span.from, span.to).slice(-MAX_MONTHS), [span]);

  const figures = useLoad(async () => {
    const period = (month: string) => ({ from: `${month}-01`, to: lastDayOf(month) });
    const reconcile = (month: string, party: Record<string, string>) =>
      get<Reconciliation>('/v1/audit/reconciliation', { ...period(month), ...party });
    const grid = (parties: string[], name: 'hospital' | 'insurer') =>
      Promise.all(parties.map((p) => Promise.all(months.map((m) => reconcile(m, { [name]: p })))));
    const first = `${months[0]}-01`;
    const last = lastDayOf(months[months.length - 1]);
    const [byHospital, byInsurer, paid, alerts] = await Promise.all([
      grid(hospitals, 'hospital'),
      grid(insurers, 'insurer'),
      getAll<Settlement>('/v1/settlements', { status: 'PAID', from: first, to: last }),
      getAll<Alert>('/v1/alerts', { from: first, to: last }),
    ]);
    return { byHospital, byInsurer, paid, alerts };
  }, [months, participants, live]);

  const charts = useMemo(() => {
    const data = figures.data;
    if (!data || !hospitals.length) return undefined;
    const sum = (rows: Reconciliation[], field: 'count' | 'commercialShare' | 'paid' | 'outstanding') =>
      rows.reduce((total, r) => total + r[field], 0);
    const byMonth = months.map((_, m) => data.byHospital.map((rows) => rows[m]));
    const money = (rows: Reconciliation[][]): Series[] => [
      { name: t('paid'), values: rows.map((r) => sum(r, 'paid')), stack: 'share' },
      { name: t('outstanding'), values: rows.map((r) => sum(r, 'outstanding')), stack: 'share' },
      { name: t('commercialShare'), values: rows.map((r) => sum(r, 'commercialShare')) },
    ];
    const counts = (rows: Reconciliation[][]): Series[] => [
      { name: t('count'), values: rows.map((r) => sum(r, 'count')) },
    ];
    const days = data.paid.map((s) => daysBetween(s.dischargeDate, s.payout!.paidAt.slice(0, 10)));
    const bucketNames = DAY_BUCKETS.map((limit, i) =>
      limit === Infinity ? `> ${DAY_BUCKETS[i - 1]}` : `${i ? DAY_BUCKETS[i - 1] + 1 : 0}–${limit}`,
    );
    const bucketOf = (d: number) => DAY_BUCKETS.findIndex((limit) => d <= limit);
    const alertTypes = [...new Set(data.alerts.map((a) => a.type))].sort();
    return {
      byMonth: { money: money(byMonth), counts: counts(byMonth) },
      byHospital: { money: money(data.byHospital), counts: counts(data.byHospital) },
      byInsurer: { money: money(data.byInsurer), counts: counts(data.byInsurer) },
      payoutDays: {
        categories: bucketNames,
        series: [
          {
            name: t('count'),
            values: bucketNames.map((_, i) => days.filter((d) => bucketOf(d) === i).length),
          },
        ],
      },
      alerts: {
        categories: alertTypes.map((type) => t(`alert_${type}` as Key)),
        series: (['OPEN', 'CONFIRMED', 'DISMISSED'] as const).map((status) => ({
          name: t(`alertStatus_${status}` as Key),
          stack: 'alerts',
          values: alertTypes.map(
            (type) => data.alerts.filter((a) => a.type === type && a.status === status).length,
          ),
        })),
      },
    };
  }, [figures.data, t]);

  return (
    <Section title={t('nav_dashboard')}>
      <p class="help">{t('dashboardHelp')}</p>
      <form class="row" onSubmit={(event) => event.preventDefault()}>
        <Field label={`${t('month')} ${t('from')}`}>
          {(id) => (
            <input
              id={id}
              type="month"
              value={span.from}
              onChange={(e) => setSpan({ ...span, from: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label={`${t('month')} ${t('to')}`}>
          {(id) => (
            <input
              id={id}
              type="month"
              value={span.to}
              onChange={(e) => setSpan({ ...span, to: e.currentTarget.value })}
            />
          )}
        </Field>
      </form>
      <Problem error={figures.error} />
      {charts && (
        <div class="charts">
          <Bars
            id="by-month"
            title={`${t('byMonth')} · ${t('commercialShare')}`}
            categories={months}
            series={charts.byMonth.money}
            money
          />
          <Bars
            id="by-month-count"
            title={`${t('byMonth')} · ${t('count')}`}
            categories={months}
            series={charts.byMonth.counts}
          />
          <Bars
            id="by-hospital"
            title={`${t('byHospital')} · ${t('commercialShare')}`}
            categories={hospitals}
            series={charts.byHospital.money}
            money
          />
          <Bars
            id="by-hospital-count"
            title={`${t('byHospital')} · ${t('count')}`}
            categories={hospitals}
            series={charts.byHospital.counts}
          />
          <Bars
            id="by-insurer"
            title={`${t('byInsurer')} · ${t('commercialShare')}`}
            categories={insurers}
            series={charts.byInsurer.money}
            money
          />
          <Bars
            id="payout-days"
            title={`${t('payoutDays')} (${t('days')})`}
            categories={charts.payoutDays.categories}
            series={charts.payoutDays.series}
          />
          <Bars
            id="alerts"
            title={t('alertsByType')}
            categories={charts.alerts.categories}
            series={charts.alerts.series}
          />
        </div>
      )}
    </Section>
  );
}
