/**
 * Every call the console makes goes through here, to the gateway that served it, with the signed-in user's
 * token in the Authorization header (never in a URL). Errors keep the gateway's stable code.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let token: string | undefined;
let onUnauthenticated: () => void = () => undefined;

/** The token lives in this module's memory only: a reload signs the user out. */
export function holdToken(value: string | undefined, signedOut: () => void = () => undefined): void {
  token = value;
  onUnauthenticated = signedOut;
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const headers = authHeaders(body === undefined ? {} : { 'content-type': 'application/json' });
  const res = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) return res;
  let problem: { code?: string; detail?: string; title?: string } = {};
  try {
    problem = await res.json();
  } catch {
    // not a problem document: the status says enough
  }
  if (res.status === 401) onUnauthenticated();
  throw new ApiError(
    res.status,
    problem.code ?? `HTTP_${res.status}`,
    problem.detail ?? problem.title ?? res.statusText,
  );
}

export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const qs = params.toString();
  return (await send('GET', qs ? `${path}?${qs}` : path)).json();
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return (await send('POST', path, body)).json();
}

/** Fetches with the token and hands the body to the browser as a file download. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await send('GET', path)).blob();
  saveBlob(blob, filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Reads a listing's pages in turn until `want` items are in hand or the listing ends, at most `maxReads` pages
 * (a filtered page may come back short, even empty, with a cursor: the ledger scans a bounded range per request).
 */
export async function readPages<T>(
  path: string,
  query: Record<string, string | undefined>,
  { want, pageSize = 100, maxReads = Infinity }: { want: number; pageSize?: number; maxReads?: number },
): Promise<{ items: T[]; nextCursor?: string }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < maxReads && items.length < want; read++) {
    const page = await get<{ items: T[]; nextCursor?: string | null }>(path, {
      ...query,
      limit: String(pageSize),
      cursor,
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return { items, nextCursor: cursor };
}

/** Reads every page of a listing, up to `max` items. */
export async function getAll<T>(
  path: string,
  query: Record<string, string | undefined>,
  max = 2000,
): Promise<T[]> {
  return (await readPages<T>(path, query, { want: max })).items;
}

export const settlementPath = (hospital: string, settlementId: string): string =>
  `/v1/settlements/${encodeURIComponent(hospital)}/${encodeURIComponent(settlementId)}`;
