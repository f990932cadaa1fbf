/**
 * Canonical JSON: object keys sorted at every level, arrays kept in order. Every endorsing peer must produce
 * byte-identical state and responses, and JSON.stringify alone follows insertion order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) sorted[key] = sortKeys(source[key]);
    return sorted;
  }
  return value;
}

/** Text in UTF-16 code unit order, as `sort()` and canonical JSON's keys order it: the same on every peer. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
