/**
 * Pure input checks. Each check takes an unknown value and the field's path, and either returns the value
 * typed or throws VALIDATION_FAILED naming the field. Objects reject fields they do not declare, so nothing
 * unexpected (such as raw personal data) can ride along into the ledger.
 */
import {
  CONTROL_CHARACTERS,
  HASH_PATTERN,
  ID_MAX_LENGTH,
  ID_PATTERN,
  MAX_FEN,
  MSP_ID_PATTERN,
  isCalendarDate,
  isUtcInstant,
} from './api';
import { validationFailed } from './errors';

export type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, expectation: string): never {
  throw validationFailed(`${path === '' ? 'request' : path} must be ${expectation}`);
}

export function pattern(regex: RegExp, expectation: string): Check<string> {
  return (value, path) => (typeof value === 'string' && regex.test(value) ? value : fail(path, expectation));
}

export const id = pattern(ID_PATTERN, `an id of 1-${ID_MAX_LENGTH} letters, digits, ".", "_", ":" or "-"`);
export const mspId = pattern(MSP_ID_PATTERN, 'an MSP ID');
export const hash = pattern(HASH_PATTERN, '64 lowercase hex characters');

/** Free text (names, reasons, references): printable, no control characters, bounded. */
export function text(maxLength: number): Check<string> {
  return (value, path) =>
    typeof value === 'string' &&
    value.trim().length > 0 &&
    value.length <= maxLength &&
    !CONTROL_CHARACTERS.test(value)
      ? value
      : fail(path, `non-blank text of at most ${maxLength} characters without control characters`);
}

export function integer(min: number, max: number): Check<number> {
  return (value, path) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? value
      : fail(path, `an integer from ${min} to ${max}`);
}

/** Integer fen, never fractional or negative. */
export const amount = integer(0, MAX_FEN);

export const date: Check<string> = (value, path) =>
  typeof value === 'string' && isCalendarDate(value) ? value : fail(path, 'a real calendar date YYYY-MM-DD');

/** A calendar date, or an ISO-8601 UTC instant on a real calendar date (e.g. 2026-03-01T08:30:00Z). */
export const dateOrInstant: Check<string> = (value, path) =>
  typeof value === 'string' && (isCalendarDate(value) || isUtcInstant(value))
    ? value
    : fail(path, 'a date YYYY-MM-DD or a UTC instant');

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value, path) =>
    values.includes(value as T) ? (value as T) : fail(path, `one of ${values.join(', ')}`);
}

/** Marks a field that may be absent; an explicit null counts as absent. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined || value === null ? undefined : check(value, path));
}

export function array<T>(check: Check<T>, min: number, max: number): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      fail(path, `a list of ${min} to ${max} items`);
    }
    return value.map((item, index) => check(item, `${path}[${index}]`));
  };
}

type Shape = Record<string, Check<unknown>>;
export type Shaped<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** A plain object with exactly the declared fields (absent optional ones are left out of the result). */
export function object<S extends Shape>(shape: S): Check<Shaped<S>> {
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'an object');
    const input = value as Record<string, unknown>;
    const unknown = Object.keys(input).find((key) => !Object.prototype.hasOwnProperty.call(shape, key));
    if (unknown !== undefined) throw validationFailed(`${join(path, unknown)} is not a known field`);
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const checked = shape[key](input[key], join(path, key));
      if (checked !== undefined) result[key] = checked;
    }
    return result as Shaped<S>;
  };
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Parses a transaction's one JSON argument and checks it; the root path is empty so messages name fields. */
export function parseRequest<T>(json: string, check: Check<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw validationFailed('request must be a JSON object');
  }
  return check(value, '');
}

export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw validationFailed(message);
}
