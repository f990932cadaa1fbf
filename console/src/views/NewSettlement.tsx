/**
 * A settlement at the discharge counter: typed in (amounts in yuan) or uploaded as the national platform's 2207
 * output; previewed first (nothing recorded), then submitted.
 */
import { useState } from 'preact/hooks';
import { post } from '../api';
import { fenFrom, todayInChina } from '../format';
import { Key, useI18n } from '../i18n';
import { href } from '../route';
import type { Settlement, SettlementPreview, Split } from '../types';
import { Done, Field, Money, Problem, Section, Status, useAction } from '../ui';

const FUND = ['pooled', 'seriousIllness', 'assistance'] as const;
const SELF = ['inCatalogueSelfPay', 'outOfCatalogue', 'innovativeDrug'] as const;
type Amount = (typeof FUND)[number] | (typeof SELF)[number];

/** What the eligibility page hands over: the patient and the policy chosen there, kept in memory only. */
let carried: { idNumber: string; policyRef: string; insurer: string } | undefined;
export function startSettlement(from: typeof carried): void {
  carried = from;
}

function newSettlementId(): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  return `S-${stamp}-${crypto.getRandomValues(new Uint32Array(1))[0].toString(36)}`;
}

function SplitTable({ split }: { split: Split }) {
  const { t } = useI18n();
  return (
    <dl class="split">
      {(['fundShare', 'commercialShare', 'patientShare'] as const).map((part) => (
        <div key={part}>
          <dt>{t(part)}</dt>
          <dd data-part={part}>
            <Money fen={split[part]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function NewSettlement() {
  const { t } = useI18n();
  const [form, setForm] = useState(() => {
    const from = carried;
    carried = undefined;
    return {
      settlementId: newSettlementId(),
      idNumber: from?.idNumber ?? '',
      policyRef: from?.policyRef ?? '',
      insurer: from?.insurer ?? '',
      invoiceNumber: '',
      admissionDate: todayInChina(),
      dischargeDate: todayInChina(),
      mode: 'PARALLEL',
      ...(Object.fromEntries([...FUND, ...SELF].map((name) => [name, '0'])) as Record<Amount, string>),
    };
  });
  const set = (name: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [name]: (event.currentTarget as HTMLInputElement).value });
  const preview = useAction<SettlementPreview>();
  const submit = useAction<Settlement>();
  const upload = useAction<Settlement>();
  const [file, setFile] = useState<File>();

  const body = () => {
    const fen = Object.fromEntries(
      [...FUND, ...SELF].map((name) => [name, fenFrom(form[name], t(name))]),
    ) as Record<Amount, number>;
    const fund = { pooled: fen.pooled, seriousIllness: fen.seriousIllness, assistance: fen.assistance };
    const total = [...FUND, ...SELF].reduce((sum, name) => sum + fen[name], 0);
    return {
      settlementId: form.settlementId,
      patient: { idType: 'RESIDENT_ID', idNumber: form.idNumber },
      policyRef: form.policyRef,
      ...(form.insurer && { insurer: form.insurer }),
      invoiceNumber: form.invoiceNumber,
      admissionDate: form.admissionDate,
      dischargeDate: form.dischargeDate,
      mode: form.mode,
      costs: {
        total,
        fund,
        inCatalogueSelfPay: fen.inCatalogueSelfPay,
        outOfCatalogue: fen.outOfCatalogue,
        innovativeDrug: fen.innovativeDrug,
      },
    };
  };
  const recorded = submit.result ?? upload.result;
  const previewed = preview.result;

  const text = (name: keyof typeof form, label: Key, extra: Record<string, unknown> = {}) => (
    <Field label={t(label)}>
      {(id) => (
        <input
          id={id}
          name={name}
          required
          value={form[name]}
          onInput={set(name)}
          autocomplete="off"
          {...extra}
        />
      )}
    </Field>
  );

  return (
    <Section title={t('nav_new')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit.run(() => post<Settlement>('/v1/settlements', body()));
        }}
      >
        <div class="grid">
          {text('settlementId', 'settlementId')}
          {text('idNumber', 'patientIdNumber')}
          {text('policyRef', 'policyRef')}
          {text('invoiceNumber', 'invoiceNumber')}
          {text('admissionDate', 'admissionDate', { type: 'date' })}
          {text('dischargeDate', 'dischargeDate', { type: 'date' })}
          <Field label={t('mode')}>
            {(id) => (
              <select id={id} name="mode" value={form.mode} onChange={set('mode')}>
                <option value="PARALLEL">{t('mode_PARALLEL')}</option>
                <option value="SERIES">{t('mode_SERIES')}</option>
              </select>
            )}
          </Field>
        </div>
        <fieldset>
          <legend>{t('costsTitle')}</legend>
          <div class="grid">
            {[...FUND, ...SELF].map((name) =>
              text(name, name, { inputMode: 'decimal', pattern: '\\d+(\\.\\d{1,2})?' }),
            )}
          </div>
        </fieldset>
        <div class="actions">
          <button
            type="button"
            disabled={preview.busy}
            onClick={() => void preview.run(() => post<SettlementPreview>('/v1/settlements/preview', body()))}
          >
            {t('preview')}
          </button>
          <button type="submit" disabled={submit.busy}>
            {t('submit')}
          </button>
        </div>
      </form>
      <Problem error={preview.error ?? submit.error} />
      {previewed && (
        <section class="result" aria-label={t('previewTitle')} data-testid="preview">
          <h3>{t('previewTitle')}</h3>
          {previewed.outcome === 'DUPLICATE_INVOICE' ? (
            <p>
              DUPLICATE_INVOICE: {previewed.existing.hospital}/{previewed.existing.settlementId}
            </p>
          ) : (
            <>
              <Status status={previewed.status} />
              <SplitTable split={previewed.split} />
            </>
          )}
        </section>
      )}
      <form
        class="upload"
        onSubmit={(event) => {
          event.preventDefault();
          if (!file) return;
          void upload.run(async () =>
            post<Settlement>('/v1/settlements/from-2207', {
              output: JSON.parse(await file.text()),
              policyRef: form.policyRef,
              mode: form.mode,
              ...(form.invoiceNumber && { invoiceNumber: form.invoiceNumber }),
            }),
          );
        }}
      >
        <Field label={t('upload2207')} hint={t('upload2207Help')}>
          {(id) => (
            <input
              id={id}
              type="file"
              accept="application/json,.json"
              onChange={(e) => setFile(e.currentTarget.files?.[0])}
            />
          )}
        </Field>
        <button type="submit" disabled={!file || upload.busy}>
          {t('submit2207')}
        </button>
      </form>
      <Problem error={upload.error} />
      {recorded && (
        <section class="result" aria-label={t('recorded')} data-testid="recorded">
          <Done show>
            {t('recorded')}:{' '}
            <a href={href('settlement', recorded.hospital, recorded.settlementId)}>{recorded.settlementId}</a>
          </Done>
          <Status status={recorded.status} />
          <SplitTable split={recorded.split} />
        </section>
      )}
    </Section>
  );
}
