/**
 * One settlement: its figures, every transaction that wrote it (who, when, which organisations endorsed), and
 * what the signed-in role may do next: reverse or answer a dispute (clerk), pay, dispute, decide or recover
 * (adjuster); anyone who may read it downloads its evidence package or checks it in the page.
 */
import { useState } from 'preact/hooks';
import { get, post, settlementPath } from '../api';
import { fenFrom, yuanText } from '../format';
import { Key, useI18n } from '../i18n';
import type { Settlement, TransactionInfo, Version } from '../types';
import { Done, Field, Money, Problem, Section, Status, Time, useAction, useLive, useLoad } from '../ui';
import { useSession } from '../App';
import { Evidence } from './Evidence';

interface Step {
  version: Version<Settlement>;
  tx?: TransactionInfo;
}

/** A form of one action: its fields (all text), posted as the body `toBody` makes of them. */
function ActionForm(props: {
  label: Key;
  fields: { name: string; label: Key; initial?: string; optional?: boolean }[];
  toBody: (values: Record<string, string>) => unknown;
  path: string;
  done: () => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState(() =>
    Object.fromEntries(props.fields.map((f) => [f.name, f.initial ?? ''])),
  );
  const action = useAction<unknown>();
  return (
    <form
      class="action"
      onSubmit={(event) => {
        event.preventDefault();
        void action
          .run(() => post(props.path, props.toBody(values)))
          .then((result) => result && props.done());
      }}
    >
      <h3>{t(props.label)}</h3>
      {props.fields.map((field) => (
        <Field key={field.name} label={t(field.label)}>
          {(id) => (
            <input
              id={id}
              name={field.name}
              required={!field.optional}
              value={values[field.name]}
              onInput={(e) => setValues({ ...values, [field.name]: e.currentTarget.value })}
            />
          )}
        </Field>
      ))}
      <button type="submit" disabled={action.busy}>
        {t(props.label)}
      </button>
      <Problem error={action.error} />
      <Done show={!!action.result} />
    </form>
  );
}

function Actions({ s, done }: { s: Settlement; done: () => void }) {
  const { t } = useI18n();
  const { session } = useSession();
  const path = settlementPath(s.hospital, s.settlementId);
  const forms: Parameters<typeof ActionForm>[0][] = [];
  const reason = { name: 'reason', label: 'reason' as Key };
  if (session.role === 'clerk' && session.org === s.hospital) {
    if (s.status === 'AWAITING_PAYOUT' || s.status === 'NOTHING_DUE' || s.status === 'DISPUTED')
      forms.push({
        label: 'reverse',
        fields: [reason],
        toBody: (v) => ({ reason: v.reason }),
        path: `${path}/reversal`,
        done,
      });
    if (s.status === 'DISPUTED' && !s.dispute?.answer)
      forms.push({
        label: 'answerDispute',
        fields: [reason, { name: 'evidenceHash', label: 'evidenceHash', optional: true }],
        toBody: (v) => ({ reason: v.reason, ...(v.evidenceHash && { evidenceHash: v.evidenceHash }) }),
        path: `${path}/dispute/answer`,
        done,
      });
  }
  if (session.role === 'adjuster' && session.org === s.insurer) {
    if (s.status === 'AWAITING_PAYOUT') {
      forms.push({
        label: 'pay',
        fields: [{ name: 'paymentReference', label: 'paymentReference' }],
        toBody: (v) => ({
          amount: s.split.commercialShare,
          paidAt: new Date().toISOString(),
          paymentReference: v.paymentReference,
        }),
        path: `${path}/payout`,
        done,
      });
      forms.push({
        label: 'dispute',
        fields: [reason],
        toBody: (v) => ({ reason: v.reason }),
        path: `${path}/dispute`,
        done,
      });
    }
    if (s.status === 'DISPUTED') {
      forms.push({
        label: 'withdraw',
        fields: [{ ...reason, optional: true }],
        toBody: (v) => (v.reason ? { reason: v.reason } : {}),
        path: `${path}/dispute/withdraw`,
        done,
      });
      forms.push({
        label: 'uphold',
        fields: [{ ...reason, optional: true }],
        toBody: (v) => (v.reason ? { reason: v.reason } : {}),
        path: `${path}/dispute/uphold`,
        done,
      });
    }
    if (s.status === 'PAID')
      forms.push({
        label: 'recovery',
        fields: [
          { name: 'amount', label: 'amount', initial: yuanText(s.payout?.amount ?? 0) },
          reason,
          { name: 'reference', label: 'recoveryReference' },
        ],
        toBody: (v) => ({
          amount: fenFrom(v.amount, t('amount')),
          reason: v.reason,
          reference: v.reference,
          recoveredAt: new Date().toISOString(),
        }),
        path: `${path}/recovery`,
        done,
      });
  }
  return (
    <div class="actions-panel">
      {forms.map((form) => (
        <ActionForm key={form.label} {...form} />
      ))}
    </div>
  );
}

export function SettlementView({ hospital, settlementId }: { hospital: string; settlementId: string }) {
  const { t } = useI18n();
  const live = useLive();
  const path = settlementPath(hospital, settlementId);
  const loaded = useLoad(async () => {
    const [record, history] = await Promise.all([
      get<Settlement>(path),
      get<{ items: Version<Settlement>[] }>(`${path}/history`),
    ]);
    const steps: Step[] = await Promise.all(
      history.items.map(async (version) => ({
        version,
        tx: await get<TransactionInfo>(`/v1/audit/transactions/${encodeURIComponent(version.txId)}`).catch(
          () => undefined,
        ),
      })),
    );
    return { record, steps };
  }, [path, live]);
  const s = loaded.data?.record;
  return (
    <Section title={`${t('settlementId')} ${settlementId}`}>
      <Problem error={loaded.error} />
      {s && (
        <>
          <dl class="facts">
            <dt>{t('status')}</dt>
            <dd>
              <Status status={s.status} />
            </dd>
            <dt>{t('hospital')}</dt>
            <dd>{s.hospital}</dd>
            <dt>{t('insurer')}</dt>
            <dd>{s.insurer}</dd>
            <dt>{t('policyRef')}</dt>
            <dd>{s.policyRef}</dd>
            <dt>{t('product')}</dt>
            <dd>
              {s.productId} v{s.productVersion}
            </dd>
            <dt>{t('admissionDate')}</dt>
            <dd>{s.admissionDate}</dd>
            <dt>{t('dischargeDate')}</dt>
            <dd>{s.dischargeDate}</dd>
            <dt>{t('total')}</dt>
            <dd>
              <Money fen={s.costs.total} />
            </dd>
            <dt>{t('fundShare')}</dt>
            <dd>
              <Money fen={s.split.fundShare} />
            </dd>
            <dt>{t('commercialShare')}</dt>
            <dd>
              <Money fen={s.split.commercialShare} />
            </dd>
            <dt>{t('patientShare')}</dt>
            <dd>
              <Money fen={s.split.patientShare} />
            </dd>
            {s.payout && (
              <>
                <dt>{t('paymentReference')}</dt>
                <dd>
                  {s.payout.paymentReference} · <Time iso={s.payout.paidAt} />
                </dd>
              </>
            )}
            {s.dispute && (
              <>
                <dt>{t('dispute')}</dt>
                <dd>
                  {s.dispute.reason}
                  {s.dispute.answer && ` → ${s.dispute.answer.reason}`}
                  {s.dispute.decision && ` → ${s.dispute.decision.outcome}`}
                </dd>
              </>
            )}
            {s.reversal && (
              <>
                <dt>{t('reverse')}</dt>
                <dd>{s.reversal.reason}</dd>
              </>
            )}
          </dl>
          <h3>{t('timeline')}</h3>
          <ol class="timeline">
            {loaded.data!.steps.map(({ version, tx }) => (
              <li key={version.txId}>
                <Time iso={version.timestamp} /> · {version.mspId} ·{' '}
                {version.value && <Status status={version.value.status} />}
                <div class="tx">
                  {t('endorsers')}: {tx ? tx.endorsers.join(', ') : '—'}
                  {tx && ` · ${t('block')} ${tx.blockNumber}`} · <code>{version.txId.slice(0, 16)}…</code>
                </div>
              </li>
            ))}
          </ol>
          <Actions s={s} done={loaded.reload} />
          <Evidence hospital={hospital} settlementId={settlementId} />
        </>
      )}
    </Section>
  );
}
