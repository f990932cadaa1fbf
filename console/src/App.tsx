/** The console's frame: sign-in, the header with language and live status, and the pages the role may use. */
import { createContext } from 'preact';
import type { ComponentType } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { get, holdToken } from './api';
import { subscribe } from './events';
import { I18nContext, i18nOf, Key, Lang, useI18n } from './i18n';
import { finishSignIn, oidcSettings, startSignIn, type OidcSettings } from './oidc';
import { href, Route, useRoute } from './route';
import { Role, Session, sessionOf } from './session';
import type { Participant } from './types';
import { Field, LiveTick } from './ui';
import { Alerts } from './views/Alerts';
import { Eligibility } from './views/Eligibility';
import { NewSettlement } from './views/NewSettlement';
import { Products } from './views/Products';
import { Queue } from './views/Queue';
import { SettlementView } from './views/Settlement';
import { Settlements } from './views/Settlements';
import { Statements } from './views/Statements';

/** The signed-in session and the consortium's members, for every page. */
export const SessionContext = createContext<{ session: Session; participants: Participant[] }>(
  undefined as never,
);
export const useSession = () => useContext(SessionContext);

const PAGES: Record<Role, string[]> = {
  clerk: ['eligibility', 'new', 'settlements', 'alerts', 'statements'],
  adjuster: ['queue', 'settlements', 'disputes', 'alerts', 'products', 'statements'],
  auditor: ['dashboard', 'settlements', 'alerts', 'statements', 'eligibility'],
};

/** The dashboard and its chart library load only for those who open it: clerks and adjusters never fetch them. */
function Dashboard() {
  const [View, setView] = useState<ComponentType>();
  useEffect(() => {
    void import('./views/Dashboard').then((module) => setView(() => module.Dashboard));
  }, []);
  return View ? <View /> : null;
}

/** The page a route shows to a role: a settlement, one of the role's pages, else the role's first page. */
function pageOf({ page, args }: Route, role: Role): string {
  if (page === 'settlement' && args.length === 2) return page;
  return PAGES[role].includes(page) ? page : PAGES[role][0];
}

function Page({ page, args }: { page: string; args: string[] }) {
  switch (page) {
    case 'settlement':
      return <SettlementView hospital={args[0]} settlementId={args[1]} />;
    case 'eligibility':
      return <Eligibility />;
    case 'new':
      return <NewSettlement />;
    case 'queue':
      return <Queue />;
    case 'disputes':
      return <Settlements fixedStatus="DISPUTED" />;
    case 'alerts':
      return <Alerts />;
    case 'products':
      return <Products />;
    case 'statements':
      return <Statements />;
    case 'dashboard':
      return <Dashboard />;
    default:
      return <Settlements />;
  }
}

/** Sign-in through the organisation's provider when the gateway names one, and by pasting a token always. */
function SignIn({ onSession }: { onSession: (session: Session) => void }) {
  const { t } = useI18n();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [provider, setProvider] = useState<OidcSettings>();
  const accept = (value: string) => {
    const session = sessionOf(value);
    if (session) onSession(session);
    else setError(t('tokenInvalid'));
  };
  useEffect(() => {
    void (async () => {
      const settings = await oidcSettings().catch(() => undefined);
      setProvider(settings);
      const issued = await finishSignIn(settings);
      if (issued) accept(issued);
    })().catch((failure: Error) => setError(`${t('signInFailed')}: ${failure.message}`));
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    accept(token);
  };
  return (
    <main class="sign-in">
      <h1>{t('appTitle')}</h1>
      {provider && (
        <p>
          <button type="button" onClick={() => void startSignIn(provider)}>
            {t('signInWithProvider')}
          </button>
        </p>
      )}
      <form onSubmit={submit}>
        <Field label={t('tokenLabel')} hint={t('tokenHelp')}>
          {(id) => (
            <textarea
              id={id}
              name="token"
              rows={5}
              autocomplete="off"
              spellcheck={false}
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          )}
        </Field>
        {error && (
          <p class="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit">{t('signIn')}</button>
      </form>
    </main>
  );
}

function Frame({ session, signOut }: { session: Session; signOut: () => void }) {
  const { t } = useI18n();
  const route = useRoute();
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(false);
  const [participants, setParticipants] = useState<Participant[]>([]);
  useEffect(() => {
    get<{ items: Participant[] }>('/v1/participants').then(
      (answer) => setParticipants(answer.items),
      () => undefined,
    );
    let pending: ReturnType<typeof setTimeout> | undefined;
    // Several events in a burst (a bulk payout) reload the page once.
    const stop = subscribe(
      () => (pending ??= setTimeout(() => ((pending = undefined), setTick((n) => n + 1)), 300)),
      setLive,
    );
    return () => (stop(), clearTimeout(pending));
  }, [session]);
  const context = useMemo(() => ({ session, participants }), [session, participants]);
  const pages = PAGES[session.role];
  const current = pageOf(route, session.role);
  return (
    <SessionContext.Provider value={context}>
      <LiveTick.Provider value={tick}>
        <nav class="pages" aria-label={t(`role_${session.role}`)}>
          <ul>
            {pages.map((page) => (
              <li key={page}>
                <a href={href(page)} aria-current={page === current ? 'page' : undefined}>
                  {t(`nav_${page}` as Key)}
                </a>
              </li>
            ))}
          </ul>
          <p class="who">
            {session.sub} · {session.org} · {t(`role_${session.role}`)}{' '}
            <span class={live ? 'live on' : 'live'} role="status">
              {live ? t('live') : t('liveOff')}
            </span>
          </p>
          <button type="button" class="link" onClick={signOut}>
            {t('signOut')}
          </button>
        </nav>
        <main>
          <Page page={current} args={route.args} />
        </main>
      </LiveTick.Provider>
    </SessionContext.Provider>
  );
}

export function App() {
  const [lang, setLang] = useState<Lang>('zh');
  const [session, setSession] = useState<Session>();
  const i18n = useMemo(() => i18nOf(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t('appTitle');
  }, [lang, i18n]);
  const signOut = () => (holdToken(undefined), setSession(undefined));
  const signIn = (next: Session) => {
    holdToken(next.token, signOut);
    setSession(next);
  };
  return (
    <I18nContext.Provider value={i18n}>
      <header class="top">
        <span class="brand">{i18n.t('appTitle')}</span>
        <button
          type="button"
          class="link"
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {i18n.t('language')}
        </button>
      </header>
      {session ? <Frame session={session} signOut={signOut} /> : <SignIn onSession={signIn} />}
    </I18nContext.Provider>
  );
}
