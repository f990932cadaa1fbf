/**
 * Accumulator periods (DESIGN.md "Years, second insurers, rejections and recoveries"): a product's accumulators
 * run by calendar year, or by policy year from an anniversary of the policy's validFrom (inclusive) to the next
 * (exclusive). Pure date arithmetic on YYYY-MM-DD strings; no Fabric import.
 */
import { isLeapYear } from './calendar';
import type { AccumulatorPeriod } from './schemas';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The anniversary of `validFrom` in `year`; 29 February falls on 28 February in common years. */
function anniversary(validFrom: string, year: number): string {
  const monthDay = validFrom.slice(5);
  return `${pad(year, 4)}-${monthDay === '02-29' && !isLeapYear(year) ? '02-28' : monthDay}`;
}

/** The first day of the period that `date` falls in. */
export function periodStart(period: AccumulatorPeriod, validFrom: string, date: string): string {
  const year = Number(date.slice(0, 4));
  if (period !== 'POLICY_YEAR') return `${pad(year, 4)}-01-01`;
  const thisYears = anniversary(validFrom, year);
  return date >= thisYears ? thisYears : anniversary(validFrom, year - 1);
}

/**
 * The period's name among a policy's accumulators: its calendar year ("2026") or its first day
 * ("2026-04-01"), so that a product's periods never share a name.
 */
export function periodKey(period: AccumulatorPeriod, validFrom: string, date: string): string {
  const start = periodStart(period, validFrom, date);
  return period === 'POLICY_YEAR' ? start : start.slice(0, 4);
}
