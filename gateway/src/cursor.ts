/**
 * Paging cursors. The chaincode's bookmark (a composite key, with NUL separators) is handed to clients as
 * opaque base64url, and only a canonical encoding of UTF-8 text is accepted back, so a mangled cursor is a
 * validation error here rather than a surprise deeper down.
 */
import { validationFailed } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeCursor(bookmark: string): string | null {
  return bookmark === '' ? null : Buffer.from(bookmark, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Node decodes leniently (skipping stray characters), so the cursor must be exactly what encoding gives back.
  if (bytes.length > 0 && bytes.toString('base64url') === cursor) {
    try {
      return utf8.decode(bytes);
    } catch {
      // not text: reported below
    }
  }
  throw validationFailed('cursor must be a nextCursor returned by an earlier page', [
    { path: 'query.cursor', message: 'not a cursor returned by this API' },
  ]);
}
