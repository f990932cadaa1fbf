/**
 * Month arithmetic on YYYY-MM and YYYY-MM-DD strings, shared by the chaincode's statements, the console and the
 * tests. Pure: no clock, no Fabric import, nothing but string and integer arithmetic.
 */

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The months from that of `from` to that of `to` (dates or months), oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))]; ; month += 1) {
    if (month > 12) [year, month] = [year + 1, 1];
    const name = `${pad(year, 4)}-${pad(month, 2)}`;
    if (name > to.slice(0, 7)) return months;
    months.push(name);
  }
}

/** The month (YYYY-MM) `offset` months before that of `date` (a date or a month). */
export function monthBefore(date: string, offset: number): string {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - offset;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`;
}

/** The last day (YYYY-MM-DD) of a month (YYYY-MM). */
export function lastDayOf(month: string): string {
  const [year, number] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return `${month}-${number === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[number - 1]}`;
}
