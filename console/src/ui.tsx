/** Pieces every page uses: labelled fields, money, status, errors, and loading and acting on the gateway. */
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useId, useState } from 'preact/hooks';
import { ApiError } from './api';
import { cst, yuan } from './format';
import { Key, useI18n } from './i18n';

/** Goes up by one whenever the event stream delivers something the signed-in organisation may see. */
export const LiveTick = createContext(0);

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [again, setAgain] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [...deps, again]);
  return { ...state, reload: useCallback(() => setAgain((n) => n + 1), []) };
}

/** Runs one action at a time, keeping its error or its result for the page to show. */
export function useAction<T>() {
  const [state, setState] = useState<{ busy: boolean; error?: unknown; result?: T }>({ busy: false });
  const run = useCallback(async (action: () => Promise<T>) => {
    setState({ busy: true });
    try {
      const result = await action();
      setState({ busy: false, result });
      return result;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  }, []);
  return { ...state, run };
}

export function Problem({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p class="problem" role="alert">
      {t('error')} · {text}
    </p>
  );
}

/** A labelled input: `children` renders the control with the id its label points at. */
export function Field(props: { label: string; children: (id: string) => JSX.Element; hint?: string }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small>{props.hint}</small>}
    </div>
  );
}

export function Money({ fen }: { fen: number | undefined }) {
  const { lang } = useI18n();
  return <span class="money">{fen === undefined ? '—' : yuan(fen, lang)}</span>;
}

export function Time({ iso }: { iso: string | undefined }) {
  const { lang } = useI18n();
  return iso ? <time dateTime={iso}>{cst(iso, lang)}</time> : <span>—</span>;
}

export function Status({ status }: { status: string }) {
  const { t } = useI18n();
  return <span class={`status status-${status.toLowerCase()}`}>{t(`status_${status}` as Key)}</span>;
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section aria-label={props.title}>
      <header class="section-head">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function Done({ show, children }: { show: boolean; children?: ComponentChildren }) {
  const { t } = useI18n();
  return show ? (
    <p class="done" role="status">
      {children ?? t('done')}
    </p>
  ) : null;
}

export const useLive = (): number => useContext(LiveTick);

/** A labelled choice among `options` (value and words), the first choice being "any". */
export function Choice(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">{t('any')}</option>
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
