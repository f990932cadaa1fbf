import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The vectors of one of the shared files: from a copy inside the repository if there is one, else from the
 * project's shared folder beside it; none when neither exists (the tests then fail on "has vectors to check").
 */
export function sharedVectors<V>(fileName: string): V[] {
  const file = ['../../shared', '../../../shared']
    .map((folder) => resolve(__dirname, folder, 'vectors', fileName))
    .find((candidate) => existsSync(candidate));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { vectors: V[] }).vectors : [];
}

/** The project's own vectors (this folder), which extend the shared ones. */
export function projectVectors<V>(fileName: string): V[] {
  const file = resolve(__dirname, fileName);
  return (JSON.parse(readFileSync(file, 'utf8')) as { vectors: V[] }).vectors;
}

/** Settlement outputs of the national platform (2207) and the costs they stand for. */
export interface Vector2207 {
  name: string;
  output: { setlinfo: Record<string, unknown>; setldetail?: Record<string, unknown>[] };
  innovativeDrug: number;
  /** The hospital's e-invoice, when the output names none (invono). */
  invoiceNumber?: string;
  expect: { settlementId: string; admissionDate: string; dischargeDate: string; costs: object };
}
export const VECTORS_2207 = projectVectors<Vector2207>('platform-2207-vectors.json');
