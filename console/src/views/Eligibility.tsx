/** A patient's cover on a date, from the identity number at the counter: what a clerk checks before settling. */
import { useState } from 'preact/hooks';
import { post } from '../api';
import { todayInChina } from '../format';
import { useI18n } from '../i18n';
import { navigate } from '../route';
import type { Eligibility as Cover } from '../types';
import { Field, Money, Problem, Section, useAction } from '../ui';
import { startSettlement } from './NewSettlement';
import { useSession } from '../App';

export function Eligibility() {
  const { t } = useI18n();
  const { session } = useSession();
  const [idNumber, setIdNumber] = useState('');
  const [date, setDate] = useState(todayInChina());
  const lookup = useAction<Cover>();
  const find = (event: Event) => {
    event.preventDefault();
    void lookup.run(() =>
      post<Cover>('/v1/eligibility', { patient: { idType: 'RESIDENT_ID', idNumber }, date }),
    );
  };
  const policies = lookup.result?.policies;
  return (
    <Section title={t('nav_eligibility')}>
      <form class="row" onSubmit={find}>
        <Field label={t('patientIdNumber')}>
          {(id) => (
            <input
              id={id}
              name="idNumber"
              required
              autocomplete="off"
              value={idNumber}
              onInput={(e) => setIdNumber(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('date')}>
          {(id) => (
            <input
              id={id}
              type="date"
              required
              value={date}
              onInput={(e) => setDate(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={lookup.busy}>
          {t('find')}
        </button>
      </form>
      <Problem error={lookup.error} />
      {policies && policies.length === 0 && <p role="status">{t('noPolicies')}</p>}
      {policies && policies.length > 0 && (
        <table class="policies">
          <thead>
            <tr>
              <th scope="col">{t('policyRef')}</th>
              <th scope="col">{t('insurer')}</th>
              <th scope="col">{t('product')}</th>
              <th scope="col">{t('validity')}</th>
              <th scope="col">{t('consent')}</th>
              <th scope="col">{t('remaining')}</th>
              {session.role === 'clerk' && <th scope="col">{t('nav_new')}</th>}
            </tr>
          </thead>
          <tbody>
            {policies.map((policy) => (
              <tr key={`${policy.insurer}/${policy.policyRef}`}>
                <td>{policy.policyRef}</td>
                <td>{policy.insurer}</td>
                <td>
                  {policy.productName} ({policy.productId} v{policy.productVersion})
                </td>
                <td>
                  {policy.validFrom} – {policy.validTo}
                </td>
                <td>
                  {policy.consent.active
                    ? `${t('consentActive')} ${policy.consent.until}`
                    : t('consentMissing')}
                </td>
                <td>
                  <Money fen={policy.remaining.total} />
                </td>
                {session.role === 'clerk' && (
                  <td>
                    <button
                      type="button"
                      onClick={() => {
                        startSettlement({ idNumber, policyRef: policy.policyRef, insurer: policy.insurer });
                        navigate('new');
                      }}
                    >
                      {t('useThisPolicy')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
