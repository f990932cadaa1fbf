/**
 * What every route shares: how a write's result becomes a reply (201 when it wrote, 200 with the original
 * txId when it was already recorded), how a list is paged with cursors and how a patient identity becomes a
 * patientRef.
 */
import type { Page, TxName, TxResults, WriteResult } from '@settlement/chaincode/dist/api';
import { MAX_PAGE_SIZE } from '@settlement/chaincode/dist/schemas';
import { decodeCursor, encodeCursor } from '../cursor';
import { problemDocument, type ApiError } from '../errors';
import type { LedgerClient } from '../ledger';
import type { PatientId, Pseudonymiser } from '../pseudonymise';
import type { Reply } from '../route';

export function written<T extends object>(
  outcome: { result: WriteResult<T>; txId: string },
  /** The transaction that recorded an existing record, for idempotent replays. */
  recordedTxId: (record: T) => string,
): Reply {
  const { result, txId } = outcome;
  if (result.created) return { status: 201, body: { ...result.record, txId } };
  return { status: 200, body: { ...result.record, txId: recordedTxId(result.record) } };
}

export const byRecorder = (record: { recordedBy: { txId: string } }): string => record.recordedBy.txId;

/** Replaces `patient` by its patientRef so the raw identity goes no further than this function. */
export function withPatientRef<T extends { patient?: PatientId; patientRef?: string }>(
  body: T,
  pseudonymiser: Pseudonymiser,
): Omit<T, 'patient' | 'patientRef'> & { patientRef: string } {
  const { patient, patientRef, ...rest } = body;
  return { ...rest, patientRef: patient ? pseudonymiser.patientRef(patient) : (patientRef as string) };
}

/** A field only when it has something in it, so that requests stay as they were without a key rotation. */
export const unlessEmpty = <K extends string>(name: K, values: string[]) =>
  (values.length > 0 ? { [name]: values } : {}) as Partial<Record<K, string[]>>;

/**
 * As withPatientRef, with the patient's pseudonyms under the gateway's former keys (after a key rotation), so
 * that the patient's earlier policies and consents are still found.
 */
export function withPatientRefs<T extends { patient?: PatientId; patientRef?: string }>(
  body: T,
  pseudonymiser: Pseudonymiser,
) {
  const former = body.patient ? pseudonymiser.formerPatientRefs(body.patient) : [];
  return { ...withPatientRef(body, pseudonymiser), ...unlessEmpty('formerPatientRefs', former) };
}

/** Response schemas for /openapi.json: cheap outlines (the records themselves are described in API.md). */
export const OBJECT = { type: 'object' };
export const RECORD_WITH_TXID = {
  type: 'object',
  required: ['txId'],
  properties: { txId: { type: 'string' } },
};
export function itemsOf(item: object) {
  return { type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } };
}

export const PAGE = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: OBJECT }, nextCursor: { type: ['string', 'null'] } },
};

/** The transactions that answer one page of a list. */
export type PagedTx = { [N in TxName]: TxResults[N] extends Page<unknown> ? N : never }[TxName];

/** One page of `tx` as `{items, nextCursor}`: the client's cursor goes to the chaincode as its bookmark. */
export async function paged(
  ledger: LedgerClient,
  tx: PagedTx,
  query: { cursor?: string; limit?: number },
): Promise<Reply> {
  const { cursor, ...filters } = query;
  const page = await ledger.evaluate<Page<unknown>>(tx, { ...filters, bookmark: decodeCursor(cursor) });
  return { status: 200, body: { items: page.items, nextCursor: encodeCursor(page.bookmark) } };
}

/** Every page of `tx`, first to last, each as large as a page may be. */
export async function* everyPage<T>(ledger: LedgerClient, tx: PagedTx, request: object): AsyncGenerator<T[]> {
  let bookmark = '';
  do {
    const page = await ledger.evaluate<Page<T>>(tx, { ...request, limit: MAX_PAGE_SIZE, bookmark });
    yield page.items;
    bookmark = page.bookmark;
  } while (bookmark !== '');
}

/** A batch item refused, answered in its place as the problem a request of its own would get. */
export const refusedItem = (settlementId: string, problem: ApiError) => ({
  settlementId,
  status: problem.status,
  body: problemDocument(problem),
});

export function list<T>(items: T[] | undefined): Reply {
  return { status: 200, body: { items: items ?? [] } };
}
