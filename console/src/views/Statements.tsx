/** A hospital's and an insurer's month: totals, the hash of its lines, who confirmed it; confirm; its CSV. */
import { useState } from 'preact/hooks';
import { download, get, post } from '../api';
import { todayInChina } from '../format';
import { useI18n } from '../i18n';
import type { Statement } from '../types';
import { Done, Field, Money, Problem, Section, useAction } from '../ui';
import { useSession } from '../App';

export function Statements() {
  const { t, lang } = useI18n();
  const { session, participants } = useSession();
  const own = (kind: string) =>
    participants.some((p) => p.mspId === session.org && p.kind === kind) ? session.org : '';
  const [key, setKey] = useState({
    hospital: own('HOSPITAL'),
    insurer: own('INSURER'),
    month: todayInChina().slice(0, 7),
  });
  const shown = useAction<Statement>();
  const confirm = useAction<unknown>();
  const path = `/v1/statements/${encodeURIComponent(key.hospital)}/${encodeURIComponent(key.insurer)}/${key.month}`;
  const load = () => void shown.run(() => get<Statement>(path));
  const choose = (kind: 'HOSPITAL' | 'INSURER', name: 'hospital' | 'insurer') => (
    <Field label={t(name)}>
      {(id) => (
        <select id={id} value={key[name]} onChange={(e) => setKey({ ...key, [name]: e.currentTarget.value })}>
          <option value="">—</option>
          {participants
            .filter((p) => p.kind === kind)
            .map((p) => (
              <option key={p.mspId} value={p.mspId}>
                {p.mspId}
              </option>
            ))}
        </select>
      )}
    </Field>
  );
  const statement = shown.result;
  const mine = session.role === 'clerk' ? 'hospital' : session.role === 'adjuster' ? 'insurer' : undefined;
  return (
    <Section title={t('nav_statements')}>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          load();
        }}
      >
        {choose('HOSPITAL', 'hospital')}
        {choose('INSURER', 'insurer')}
        <Field label={t('month')}>
          {(id) => (
            <input
              id={id}
              type="month"
              required
              value={key.month}
              onInput={(e) => setKey({ ...key, month: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="submit" disabled={!key.hospital || !key.insurer}>
          {t('load')}
        </button>
      </form>
      <Problem error={shown.error} />
      {statement && (
        <>
          <dl class="facts">
            <dt>{t('count')}</dt>
            <dd>{statement.totals.count}</dd>
            <dt>{t('commercialShare')}</dt>
            <dd>
              <Money fen={statement.totals.commercialShare} />
            </dd>
            <dt>{t('paid')}</dt>
            <dd>
              <Money fen={statement.totals.paid} />
            </dd>
            <dt>{t('outstanding')}</dt>
            <dd>
              <Money fen={statement.totals.outstanding} />
            </dd>
            <dt>{t('listHash')}</dt>
            <dd>
              <code>{statement.listHash}</code>
            </dd>
            <dt>{t('confirmations')}</dt>
            <dd>
              {Object.entries(statement.confirmations)
                .map(
                  ([party, c]) =>
                    `${t(party as 'hospital' | 'insurer')} ${c!.by.mspId}${c!.listHash === statement.listHash ? '' : ' (≠)'}`,
                )
                .join('; ') || t('notConfirmed')}
            </dd>
          </dl>
          <div class="actions">
            {mine && !statement.confirmations[mine] && (
              <button
                type="button"
                disabled={confirm.busy}
                onClick={() =>
                  void confirm.run(() => post(`${path}/confirm`, { listHash: statement.listHash })).then(load)
                }
              >
                {t('confirmStatement')}
              </button>
            )}
            <button
              type="button"
              onClick={() =>
                void download(
                  `${path}?format=csv&lang=${lang}`,
                  `statement-${key.hospital}-${key.insurer}-${key.month}.csv`,
                )
              }
            >
              {t('csv')}
            </button>
          </div>
          <Problem error={confirm.error} />
          <Done show={!!confirm.result} />
        </>
      )}
    </Section>
  );
}
