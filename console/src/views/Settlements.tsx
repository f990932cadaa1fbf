/** The settlements the caller may see, filtered by status, counterparty and discharge date; a page at a time. */
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { readPages, saveBlob } from '../api';
import { yuanText } from '../format';
import { Key, useI18n } from '../i18n';
import { href } from '../route';
import type { Settlement } from '../types';
import { Choice, Field, Money, Problem, Section, Status, useLive, useLoad } from '../ui';
import { useSession } from '../App';

const STATUSES = ['AWAITING_PAYOUT', 'NOTHING_DUE', 'PAID', 'DISPUTED', 'REJECTED', 'REVERSED'];

/** A listing's rows as CSV, amounts in yuan, for a spreadsheet. */
function csvOf(items: Settlement[], t: (key: Key) => string): Blob {
  const header = [
    'hospital',
    'settlementId',
    'insurer',
    'policyRef',
    'dischargeDate',
    'status',
    'total',
    'fundShare',
    'commercialShare',
    'patientShare',
  ];
  const rows = items.map((s) => [
    s.hospital,
    s.settlementId,
    s.insurer,
    s.policyRef,
    s.dischargeDate,
    t(`status_${s.status}` as Key),
    yuanText(s.costs.total),
    yuanText(s.split.fundShare),
    yuanText(s.split.commercialShare),
    yuanText(s.split.patientShare),
  ]);
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  // The byte-order mark makes spreadsheet programs read the Chinese as UTF-8.
  return new Blob(['\ufeff' + [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n')], {
    type: 'text/csv;charset=utf-8',
  });
}

/** The listing's columns: heading, the value it sorts by, and the cell. */
const COLUMNS: {
  key: Key;
  value: (s: Settlement) => string | number;
  cell: (s: Settlement) => ComponentChild;
}[] = [
  {
    key: 'settlementId',
    value: (s) => s.settlementId,
    cell: (s) => <a href={href('settlement', s.hospital, s.settlementId)}>{s.settlementId}</a>,
  },
  { key: 'hospital', value: (s) => s.hospital, cell: (s) => s.hospital },
  { key: 'insurer', value: (s) => s.insurer, cell: (s) => s.insurer },
  { key: 'dischargeDate', value: (s) => s.dischargeDate, cell: (s) => s.dischargeDate },
  { key: 'total', value: (s) => s.costs.total, cell: (s) => <Money fen={s.costs.total} /> },
  {
    key: 'commercialShare',
    value: (s) => s.split.commercialShare,
    cell: (s) => <Money fen={s.split.commercialShare} />,
  },
  { key: 'status', value: (s) => s.status, cell: (s) => <Status status={s.status} /> },
];

/** Settlements as a table in the order given, or sorted by a column its heading's button chose. */
export function SettlementTable({
  items,
  select,
}: {
  items: Settlement[];
  select?: { chosen: Set<string>; toggle: (s: Settlement) => void };
}) {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ column: number; descending: boolean }>();
  const rows = sort ? [...items].sort(byColumn(COLUMNS[sort.column].value, sort.descending)) : items;
  return (
    <table class="settlements">
      <thead>
        <tr>
          {select && <th scope="col">{t('select')}</th>}
          {COLUMNS.map(({ key }, column) => {
            const sorted = sort?.column === column ? sort : undefined;
            return (
              <th
                scope="col"
                key={key}
                aria-sort={sorted ? (sorted.descending ? 'descending' : 'ascending') : undefined}
              >
                <button
                  type="button"
                  class="sort"
                  onClick={() => setSort({ column, descending: sorted ? !sorted.descending : false })}
                >
                  {t(key)}
                  {sorted && (sorted.descending ? ' ▼' : ' ▲')}
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const key = `${s.hospital}/${s.settlementId}`;
          return (
            <tr key={key} data-settlement={s.settlementId}>
              {select && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('select')} ${s.settlementId}`}
                    checked={select.chosen.has(key)}
                    onChange={() => select.toggle(s)}
                  />
                </td>
              )}
              {COLUMNS.map(({ key, cell }) => (
                <td key={key}>{cell(s)}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Ascending or descending by `value`; ties keep the order given. */
const byColumn =
  (value: (s: Settlement) => string | number, descending: boolean) =>
  (a: Settlement, b: Settlement): number => {
    const [x, y] = [value(a), value(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  };

/** Rows a page of the listing shows, and the most requests one showing makes to fill them. */
const PAGE_SIZE = 50;
const MAX_READS = 40;

export function Settlements({ fixedStatus }: { fixedStatus?: string }) {
  const { t } = useI18n();
  const { session, participants } = useSession();
  const live = useLive();
  const [filter, setFilter] = useState({ status: fixedStatus ?? '', counterparty: '', from: '', to: '' });
  const [applied, setApplied] = useState(filter);
  const [pageCount, setPageCount] = useState(1);
  const counterpartyKind = session.role === 'clerk' ? 'INSURER' : 'HOSPITAL';
  const counterparties = participants.filter((p) =>
    session.role === 'auditor' ? p.kind !== 'REGULATOR' : p.kind === counterpartyKind,
  );
  const listing = useLoad(() => {
    const party = participants.find((p) => p.mspId === applied.counterparty);
    const query = {
      status: fixedStatus ?? applied.status,
      ...(party && { [party.kind === 'HOSPITAL' ? 'hospital' : 'insurer']: party.mspId }),
      from: applied.from,
      to: applied.to,
    };
    return readPages<Settlement>('/v1/settlements', query, {
      want: PAGE_SIZE * pageCount,
      pageSize: PAGE_SIZE,
      maxReads: MAX_READS,
    });
  }, [applied, pageCount, live, participants]);
  const title = fixedStatus ? t('nav_disputes') : t('nav_settlements');
  return (
    <Section
      title={title}
      actions={
        <button
          type="button"
          disabled={!listing.data?.items.length}
          onClick={() => listing.data && saveBlob(csvOf(listing.data.items, t), 'settlements.csv')}
        >
          {t('csv')}
        </button>
      }
    >
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          setPageCount(1);
          setApplied(filter);
        }}
      >
        {!fixedStatus && (
          <Choice
            label={t('status')}
            value={filter.status}
            options={STATUSES.map((status) => ({ value: status, label: t(`status_${status}` as Key) }))}
            onChange={(status) => setFilter({ ...filter, status })}
          />
        )}
        <Choice
          label={
            session.role === 'clerk'
              ? t('insurer')
              : session.role === 'adjuster'
                ? t('hospital')
                : `${t('hospital')} / ${t('insurer')}`
          }
          value={filter.counterparty}
          options={counterparties.map((p) => ({ value: p.mspId, label: p.mspId }))}
          onChange={(counterparty) => setFilter({ ...filter, counterparty })}
        />
        <Field label={`${t('dischargeDate')} ${t('from')}`}>
          {(id) => (
            <input
              id={id}
              type="date"
              value={filter.from}
              onInput={(e) => setFilter({ ...filter, from: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label={`${t('dischargeDate')} ${t('to')}`}>
          {(id) => (
            <input
              id={id}
              type="date"
              value={filter.to}
              onInput={(e) => setFilter({ ...filter, to: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="submit">{t('filter')}</button>
      </form>
      <Problem error={listing.error} />
      {listing.data &&
        (listing.data.items.length ? <SettlementTable items={listing.data.items} /> : <p>{t('none')}</p>)}
      {listing.data?.nextCursor && (
        <button type="button" onClick={() => setPageCount(pageCount + 1)}>
          {t('more')}
        </button>
      )}
    </Section>
  );
}
