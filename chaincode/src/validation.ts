/**
 * Checking a request against its schema (schemas.ts): the value typed, or VALIDATION_FAILED naming every field
 * at fault, e.g. "items[1].costs.total: must equal the sum of its parts (21)".
 */
import type { z } from 'zod';
import { validationFailed } from './errors';

type Path = readonly PropertyKey[];

function pathText(path: Path): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

function describe(issue: z.core.$ZodIssue, prefix: Path): string {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathText([...path, key])} is not a known field`).join('; ');
  }
  return `${path.length === 0 ? 'request' : pathText(path)}: ${issue.message}`;
}

/** The value as `schema` outputs it; `prefix` is where the value sits in the whole request. */
export function check<S extends z.ZodType>(schema: S, value: unknown, prefix: Path = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(result.error.issues.map((issue) => describe(issue, prefix)).join('; '));
}

/** Parses a transaction's one JSON argument and checks it. */
export function parseRequest<S extends z.ZodType>(json: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw validationFailed('request must be a JSON object');
  }
  return check(schema, value);
}

export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw validationFailed(message);
}
