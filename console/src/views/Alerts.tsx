/** Fraud alerts that concern the caller (all of them for an auditor), with triage for the auditor. */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { Key, useI18n } from '../i18n';
import { href } from '../route';
import type { Alert } from '../types';
import { Choice, Field, Problem, Section, Time, useAction, useLive, useLoad } from '../ui';
import { useSession } from '../App';

const TYPES = ['DUPLICATE_INVOICE', 'OVERLAPPING_STAY', 'PERIOD_CHANGED'];
const STATUSES = ['OPEN', 'CONFIRMED', 'DISMISSED'];

function Triage({ alert, done }: { alert: Alert; done: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const triage = useAction<unknown>();
  const decide = (status: 'CONFIRMED' | 'DISMISSED') =>
    void triage
      .run(() => post(`/v1/alerts/${encodeURIComponent(alert.alertId)}/triage`, { status, note }))
      .then((result) => result && done());
  return (
    <div class="triage">
      <Field label={`${t('note')} (${alert.alertId})`}>
        {(id) => <input id={id} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <button type="button" disabled={!note || triage.busy} onClick={() => decide('CONFIRMED')}>
        {t('confirmAlert')}
      </button>
      <button type="button" disabled={!note || triage.busy} onClick={() => decide('DISMISSED')}>
        {t('dismissAlert')}
      </button>
      <Problem error={triage.error} />
    </div>
  );
}

export function Alerts() {
  const { t } = useI18n();
  const { session } = useSession();
  const live = useLive();
  const [filter, setFilter] = useState({ type: '', status: '' });
  const alerts = useLoad(
    () => get<{ items: Alert[] }>('/v1/alerts', { ...filter, limit: '100' }),
    [filter, live],
  );
  const settlementLink = (key: { hospital: string; settlementId: string }) => (
    <a href={href('settlement', key.hospital, key.settlementId)}>
      {key.hospital}/{key.settlementId}
    </a>
  );
  return (
    <Section title={t('nav_alerts')}>
      <div class="row">
        <Choice
          label={t('alertType')}
          value={filter.type}
          options={TYPES.map((type) => ({ value: type, label: t(`alert_${type}` as Key) }))}
          onChange={(type) => setFilter({ ...filter, type })}
        />
        <Choice
          label={t('status')}
          value={filter.status}
          options={STATUSES.map((status) => ({ value: status, label: t(`alertStatus_${status}` as Key) }))}
          onChange={(status) => setFilter({ ...filter, status })}
        />
      </div>
      <Problem error={alerts.error} />
      {alerts.data && !alerts.data.items.length && <p>{t('none')}</p>}
      {!!alerts.data?.items.length && (
        <table class="alerts">
          <thead>
            <tr>
              <th scope="col">{t('alertType')}</th>
              <th scope="col">{t('attempted')}</th>
              <th scope="col">{t('existing')}</th>
              <th scope="col">{t('at')}</th>
              <th scope="col">{t('status')}</th>
              {session.role === 'auditor' && <th scope="col">{t('triage')}</th>}
            </tr>
          </thead>
          <tbody>
            {alerts.data.items.map((alert) => (
              <tr key={alert.alertId}>
                <td>{t(`alert_${alert.type}` as Key)}</td>
                <td>{settlementLink(alert.attempted)}</td>
                <td>{settlementLink(alert.existing)}</td>
                <td>
                  <Time iso={alert.at} />
                </td>
                <td>
                  {t(`alertStatus_${alert.status}` as Key)}
                  {alert.triage && ` · ${alert.triage.note}`}
                </td>
                {session.role === 'auditor' && (
                  <td>{alert.status === 'OPEN' && <Triage alert={alert} done={alerts.reload} />}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
