/**
 * The adjuster's payout queue: every settlement awaiting payout, earliest discharge first, refreshed live from
 * the event stream. One is paid from its row; several of one hospital under one payment reference in bulk.
 */
import { useState } from 'preact/hooks';
import { getAll, post, settlementPath } from '../api';
import { useI18n } from '../i18n';
import type { PayoutBatchResult, Settlement } from '../types';
import { Done, Field, Problem, Section, useAction, useLive, useLoad } from '../ui';
import { SettlementTable } from './Settlements';

const byDischarge = (a: Settlement, b: Settlement) =>
  a.dischargeDate.localeCompare(b.dischargeDate) || a.settlementId.localeCompare(b.settlementId);

export function Queue() {
  const { t } = useI18n();
  const live = useLive();
  const queue = useLoad(
    async () =>
      (await getAll<Settlement>('/v1/settlements', { status: 'AWAITING_PAYOUT' })).sort(byDischarge),
    [live],
  );
  const [chosen, setChosen] = useState(new Set<string>());
  const [reference, setReference] = useState('');
  const pay = useAction<PayoutBatchResult[]>();
  const items = queue.data ?? [];
  const toggle = (s: Settlement) => {
    const next = new Set(chosen);
    const key = `${s.hospital}/${s.settlementId}`;
    if (!next.delete(key)) next.add(key);
    setChosen(next);
  };
  const paySelected = (event: Event) => {
    event.preventDefault();
    const selected = items.filter((s) => chosen.has(`${s.hospital}/${s.settlementId}`));
    const hospitals = [...new Set(selected.map((s) => s.hospital))].sort();
    const paidAt = new Date().toISOString();
    void pay
      .run(async () => {
        const results: PayoutBatchResult[] = [];
        // One payment reaches one hospital: a remittance per hospital, each under its own reference.
        for (const hospital of hospitals) {
          const paymentReference = hospitals.length === 1 ? reference : `${reference}-${hospital}`;
          const batch = selected.filter((s) => s.hospital === hospital);
          if (batch.length === 1) {
            const [s] = batch;
            const payout = { amount: s.split.commercialShare, paidAt, paymentReference };
            await post(`${settlementPath(s.hospital, s.settlementId)}/payout`, payout);
            continue;
          }
          const payouts = batch.map((s) => ({
            settlementId: s.settlementId,
            amount: s.split.commercialShare,
          }));
          results.push(
            await post<PayoutBatchResult>('/v1/payouts/batch', {
              paymentReference,
              paidAt,
              hospital,
              items: payouts,
            }),
          );
        }
        return results;
      })
      .then(() => {
        setChosen(new Set());
        queue.reload();
      });
  };
  return (
    <Section title={t('nav_queue')}>
      <p class="help">{t('queueHelp')}</p>
      <Problem error={queue.error} />
      {items.length ? (
        <SettlementTable items={items} select={{ chosen, toggle }} />
      ) : (
        queue.data && <p>{t('none')}</p>
      )}
      <form class="row" onSubmit={paySelected}>
        <Field label={t('paymentReference')}>
          {(id) => (
            <input
              id={id}
              name="paymentReference"
              required
              value={reference}
              onInput={(e) => setReference(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={chosen.size === 0 || pay.busy}>
          {t('paySelected')} ({chosen.size})
        </button>
      </form>
      <Problem error={pay.error} />
      <Done show={!!pay.result} />
    </Section>
  );
}
