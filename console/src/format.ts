/** Amounts in yuan and times in China Standard Time, in the reader's language. */
import type { Lang } from './i18n';

const locale = (lang: Lang): string => (lang === 'zh' ? 'zh-CN' : 'en-GB');

export function yuan(fen: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'CNY' }).format(fen / 100);
}

export function cst(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(new Date(iso));
}

/** Today's date (YYYY-MM-DD) in China, whatever the browser's own time zone. */
export function todayInChina(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/** Yuan as typed ("1234.5") to integer fen through its digits, never through floating point; undefined if not money. */
export function fenOf(text: string): number | undefined {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Yuan typed into the field `label` as fen; an error naming the field when it is not money. */
export function fenFrom(text: string, label: string): number {
  const fen = fenOf(text);
  if (fen === undefined) throw new Error(`${label}: not an amount in yuan: ${text}`);
  return fen;
}

/** Fen as an editable yuan string ("1234.50"). */
export function yuanText(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
