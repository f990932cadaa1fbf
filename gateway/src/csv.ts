/**
 * Exports for spreadsheets: UTF-8 with a byte-order mark (so that spreadsheet programs read Chinese headers
 * right), headers in Chinese or English, amounts in yuan with exactly two decimals, rows written as they come so a
 * long export never sits whole in memory.
 */
import type { Response } from 'express';
import { z } from 'zod';

export type Lang = 'zh' | 'en';

/** A column: its header in each language, and its cell of a row (fen when `yuan`). */
export interface Column<T> {
  en: string;
  zh: string;
  cell(row: T): string | number | undefined;
  yuan?: boolean;
}

/** `?format=csv&lang=zh|en` on a read that can export. */
export const exportQuery = {
  format: z.enum(['json', 'csv']).optional(),
  lang: z.enum(['zh', 'en']).optional(),
};

/** Whether the client asked for CSV: by `format=csv`, or by preferring text/csv to JSON in Accept. */
export function wantsCsv(query: { format?: string }, accepts: (types: string[]) => string | false): boolean {
  if (query.format !== undefined) return query.format === 'csv';
  return accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** Fen as yuan with two decimals, by integer arithmetic: exact at any size. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A cell as CSV: quoted when it holds a separator, quote or line break; text a spreadsheet would run as a formula
 * (starting =, +, -, @, tab or carriage return) is made plain text with a leading apostrophe.
 */
function cellText(value: string | number | undefined, isYuan: boolean): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return isYuan ? yuan(value) : String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine<T>(columns: readonly Column<T>[], row: T): string {
  return `${columns.map((column) => cellText(column.cell(row), column.yuan === true)).join(',')}\r\n`;
}

const header = <T>(columns: readonly Column<T>[], lang: Lang): string =>
  `${columns.map((column) => cellText(column[lang], false)).join(',')}\r\n`;

/**
 * Sends `rows` as a CSV attachment named `filename`, writing each page of rows as it arrives and waiting for the
 * client to take it when it reads slowly. A failure after the first bytes can only cut the response short.
 */
export async function sendCsv<T>(
  res: Response,
  filename: string,
  columns: readonly Column<T>[],
  lang: Lang,
  pages: AsyncIterable<readonly T[]>,
): Promise<void> {
  const iterator = pages[Symbol.asyncIterator]();
  // The first page is read before anything is sent, so that a refusal is still a proper problem answer.
  let next = await iterator.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
  };
  try {
    await write(`\uFEFF${header(columns, lang)}`);
    while (!next.done) {
      await write(next.value.map((row) => csvLine(columns, row)).join(''));
      next = await iterator.next();
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}
