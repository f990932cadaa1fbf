/**
 * The one place that touches the Fabric stub: state as canonical JSON under composite keys, public or in a
 * private data collection, the caller's MSP ID, the transaction time, the request, salt and reply key of the
 * proposal's transient data, key-level endorsement, history and the transaction's single event.
 */
import { createHash } from 'crypto';
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import type { Iterators } from 'fabric-shim-api';
import { REPLY_KEY_BYTES, sealReply, type Actor, type LedgerEvent } from './api';
import { canonicalJson } from './canonical';
import { validationFailed } from './errors';

/** Object types of the composite keys; the attributes each takes are listed beside it. */
export const KeyType = {
  participant: 'participant', // mspId
  product: 'product', // productId: the latest version
  productVersion: 'productVersion', // productId, version (zero-padded so versions sort)
  // Policies and consents are keyed under the organisation that owns their id, so that another organisation can
  // neither collide with nor detect them. Policies, consents and accumulators are in the insurer's collection.
  policy: 'policy', // insurer, policyRef
  servingInsurer: 'servingInsurer', // mspId: an insurer that has published a product, so has a collection
  accumulators: 'accumulators', // insurer, policyRef: every year's accumulators in one key
  // An authorisation's parties are public (its stub); its terms are in the insurer's collection, same key.
  authorisation: 'authorisation', // recorder, authorisationId
  consents: 'consents', // insurer, patientRef: the terms of every authorisation of the patient for the insurer
  patientPolicy: 'patientPolicy', // insurer, patientRef, policyRef: index of a patient's policies, in the collection
  // A settlement's stub (parties, status, last transaction, hash of its details) is public; each version of its
  // details is in the collection of its hospital and insurer.
  settlement: 'settlement', // hospital, settlementId
  settlementVersion: 'settlementVersion', // hospital, settlementId, txId
  settlementByInsurer: 'settlementByInsurer', // insurer, hospital, settlementId: index for insurers' lists
  invoice: 'invoice', // invoiceHash: which settlements used it, in order
  supersession: 'supersession', // hospital, settlementId: the settlement that replaced this REVERSED one
  // index: a later insurer's settlement paying towards the patient share this one left (coordination of benefits)
  coordinatedBy: 'coordinatedBy', // hospital, priorSettlementId, settlementId
  // A month's statement of a hospital and an insurer, in their collection: a line per settlement discharged in the
  // month, rewritten with each version of it, and the parties' confirmations.
  statementLine: 'statementLine', // month (YYYY-MM), settlementId
  statement: 'statement', // month
  // A payment's remittance: the settlements one payment reference of an insurer covered, in the pair's collection.
  remittance: 'remittance', // insurer, paymentReference
  // A patient's inpatient stays on an insurer's policies, in the insurer's collection, to find overlapping stays.
  stays: 'stays', // insurer, patientRef
  // Alerts made before they had a status were keyed as 'alert' by their attempt; not migrated.
  alert: 'fraudAlert', // at, alertId: fraud alerts, oldest first
  alertById: 'alertById', // alertId: when the alert was raised, to find it
  alertOfAttempt: 'alertOfAttempt', // invoiceHash, hospital, settlementId: the alert an attempt to reuse it raised
  hospitalSeal: 'hospitalSeal', // mspId: owned by the hospital, written by each of its settlements and alerts
  ping: 'ping', // mspId
} as const;
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

export interface Entry<T> {
  key: string;
  attributes: string[];
  value: T;
}

export interface Version<T> {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: T | null;
}

/** Entries per page of scanAll: large enough to take few round trips, small enough to stay far from any limit. */
const SCAN_PAGE_SIZE = 1000;

/** Index entries need a value, and Fabric treats an empty value as a delete. */
const INDEX_MARKER = {};

/** Ends every composite key range, as Fabric's own partial-key queries do. */
const MAX_UNICODE_RUNE = '\u{10FFFF}';

/** A salt shorter than this could be guessed along with the value it hides. */
const MIN_SALT_BYTES = 16;

/** Where a key is: a private data collection by name, or (undefined) the channel's public state. */
export type Collection = string | undefined;

interface Pending {
  key: string;
  collection: Collection;
  json: string;
}

/** A key's place in the transaction's caches: the same key in two collections is two keys. */
const slotOf = (key: string, collection: Collection): string =>
  collection === undefined ? key : `${collection}\u0000${key}`;

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A private value as the contract sees it: without the salt it was stored with. */
function unsalted<T>(stored: string): T {
  const { salt: _salt, ...value } = JSON.parse(stored) as T & { salt?: string };
  return value as T;
}

/** A value as stored, as the contract sees it: a public one as it is, a private one without its salt. */
const valueOf = <T>(stored: string, collection: Collection): T =>
  collection === undefined ? (JSON.parse(stored) as T) : unsalted<T>(stored);

interface Timestamp {
  seconds: number | { toNumber(): number };
  nanos: number;
}

export function timestampToIso(ts: Timestamp): string {
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

/**
 * The ledger's calendar is China Standard Time (UTC+8, no daylight saving), where discharges, consents and
 * policies are dated: "today" for a transaction at 01:00 in Beijing is that day, not the day before in UTC.
 */
const CALENDAR_OFFSET_MS = 8 * 3600 * 1000;

/**
 * The day (YYYY-MM-DD) of a UTC instant in the ledger's calendar; a date is its own day. The fraction of a
 * second is dropped first: Date.parse is specified for milliseconds only, and instants may carry nanoseconds.
 */
export function calendarDate(dateOrInstant: string): string {
  if (dateOrInstant.length === 10) return dateOrInstant;
  const wholeSeconds = `${dateOrInstant.slice(0, 19)}Z`;
  return new Date(Date.parse(wholeSeconds) + CALENDAR_OFFSET_MS).toISOString().slice(0, 10);
}

export class Ledger {
  /**
   * What this transaction wrote. Fabric never shows a transaction its own writes, yet the items of a batch
   * must see each other's accumulators and invoice hashes, so point reads look here first.
   */
  private readonly pending = new Map<string, Pending>();
  /**
   * Committed values already read. Committed state cannot change while a transaction runs, so a batch's items
   * read their shared policy, product and consent from the peer once instead of once each.
   */
  private readonly committed = new Map<string, string>();
  /** Serialised key-level policies by organisations: a batch's items all name the same two. */
  private readonly policies = new Map<string, Uint8Array>();
  private time: string | undefined;
  private date: string | undefined;
  private salt: string | undefined;
  private deferring = false;

  constructor(private readonly ctx: Context) {}

  /**
   * From now on puts stay in `pending` until flush(), which writes each key once with its last value: a
   * batch's items update their shared accumulator and seal keys many times, and each write is a round trip to
   * the peer. Called before the first put.
   */
  deferWrites(): void {
    this.deferring = true;
  }

  get txId(): string {
    return this.ctx.stub.getTxID();
  }

  get callerMsp(): string {
    return this.ctx.clientIdentity.getMSPID();
  }

  /**
   * The proposal's timestamp: the same on every endorsing peer, unlike the local clock. Kept once computed, as
   * is the date: a batch's items ask for them several times each.
   */
  get txTime(): string {
    this.time ??= timestampToIso(this.ctx.stub.getTxTimestamp());
    return this.time;
  }

  /** The transaction's date in the ledger's calendar (YYYY-MM-DD). */
  get txDate(): string {
    this.date ??= calendarDate(this.txTime);
    return this.date;
  }

  actor(user: string): Actor {
    return { mspId: this.callerMsp, user, txId: this.txId, at: this.txTime };
  }

  key(type: KeyType, ...attributes: string[]): string {
    return this.ctx.stub.createCompositeKey(type, attributes);
  }

  async get<T>(key: string, collection?: Collection): Promise<T | undefined> {
    const json = await this.getStored(key, collection);
    return json === undefined ? undefined : valueOf<T>(json, collection);
  }

  /** A value exactly as stored, a private one with its salt: the bytes whose SHA-256 getPrivateDataHash answers. */
  async getStored(key: string, collection?: Collection): Promise<string | undefined> {
    const slot = slotOf(key, collection);
    const json = this.pending.get(slot)?.json ?? (await this.readCommitted(key, collection, slot));
    return json === '' ? undefined : json;
  }

  /**
   * A write's request, from the proposal's transient data: arguments are written into the block for every
   * member to read, the transient data never is.
   */
  get request(): string {
    const request = this.transient('request');
    if (request === undefined) throw validationFailed('a write takes its request from the transient data');
    return request;
  }

  /** A named part of the proposal's transient data besides the request, if the client sent it, as text. */
  transient(name: string): string | undefined {
    const bytes = this.ctx.stub.getTransient().get(name);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  /**
   * A private value someone sent as stored, if its SHA-256 is `hash`: how a peer outside a collection takes a value
   * there that a member read for it, without trusting the sender.
   */
  static vouched<T>(stored: string, hash: string): T | undefined {
    return sha256Hex(stored) === hash ? unsalted<T>(stored) : undefined;
  }

  /**
   * A write's reply sealed with the proposal's reply key (transient): the block records every reply, and a
   * settlement's reply carries its details.
   */
  sealReply(reply: string): string {
    const key = this.ctx.stub.getTransient().get('replyKey');
    if (key === undefined || key.length !== REPLY_KEY_BYTES)
      throw validationFailed(`a write needs a ${REPLY_KEY_BYTES}-byte reply key`);
    return sealReply(reply, key, this.txId);
  }

  /**
   * The proposal's salt (transient, chosen by the gateway): the same on every endorser, unknown to anyone who
   * reads the block, so that the hash of a private value there cannot be confirmed by guessing the value.
   */
  private get privateSalt(): string {
    if (this.salt === undefined) {
      const bytes = this.ctx.stub.getTransient().get('salt');
      if (bytes === undefined || bytes.length < MIN_SALT_BYTES)
        throw validationFailed(`a private write needs a salt of at least ${MIN_SALT_BYTES} bytes`);
      this.salt = Buffer.from(bytes).toString('base64');
    }
    return this.salt;
  }

  private async readCommitted(key: string, collection: Collection, slot: string): Promise<string> {
    let json = this.committed.get(slot);
    if (json === undefined) {
      const stub = this.ctx.stub;
      const bytes = collection === undefined ? stub.getState(key) : stub.getPrivateData(collection, key);
      json = Buffer.from(await bytes).toString('utf8');
      this.committed.set(slot, json);
    }
    return json;
  }

  /**
   * Writes `value`; in a collection with the transaction's salt. Answers the SHA-256 of the bytes written,
   * which for a private value is the hash Fabric puts in the block and answers to getPrivateDataHash.
   */
  async put(key: string, value: object, collection?: Collection): Promise<string> {
    const json = canonicalJson(collection === undefined ? value : { ...value, salt: this.privateSalt });
    const pending = { key, collection, json };
    this.pending.set(slotOf(key, collection), pending);
    if (!this.deferring) await this.write(pending);
    return sha256Hex(json);
  }

  private async write({ key, collection, json }: Pending): Promise<void> {
    const bytes = Buffer.from(json);
    if (collection === undefined) await this.ctx.stub.putState(key, bytes);
    else await this.ctx.stub.putPrivateData(collection, key, bytes);
  }

  /**
   * Writes the deferred puts in the order their keys were first written (the same on every endorser); the
   * transaction's read-write set is the same as without deferring.
   */
  async flush(): Promise<void> {
    if (!this.deferring) return;
    for (const pending of this.pending.values()) await this.write(pending);
  }

  async putIndex(key: string, collection?: Collection): Promise<void> {
    await this.put(key, INDEX_MARKER, collection);
  }

  /** Key-level endorsement: later changes of `key` need a peer of each organisation named. */
  async requireEndorsement(
    key: string,
    organisations: readonly string[],
    collection?: Collection,
  ): Promise<void> {
    const orgs = [...new Set(organisations)].sort();
    const id = orgs.join('\n');
    let policy = this.policies.get(id);
    if (!policy) {
      const builder = new KeyEndorsementPolicy();
      builder.addOrgs('PEER', ...orgs);
      policy = builder.getPolicy();
      this.policies.set(id, policy);
    }
    if (collection === undefined) await this.ctx.stub.setStateValidationParameter(key, policy);
    else await this.ctx.stub.setPrivateDataValidationParameter(collection, key, policy);
  }

  /**
   * Every committed entry under a partial composite key, in key order, read to the end so that the peer frees
   * the query itself (one message fewer than a scan left early). The peer ends a plain range scan silently at
   * its totalQueryLimit (100,000 by default): for short ranges only; see scanAll. Public state only: Fabric
   * refuses a scan of a collection in a transaction that writes, so private records are read by key.
   */
  async scan<T>(type: KeyType, attributes: string[] = []): Promise<Entry<T>[]> {
    return this.entries<T>(await this.ctx.stub.getStateByPartialCompositeKey(type, attributes));
  }

  /**
   * Every committed entry of a collection under a partial composite key, in key order. Read-only txs only:
   * Fabric refuses a scan of a collection in a transaction that writes.
   */
  async scanCollection<T>(collection: string, type: KeyType, attributes: string[]): Promise<Entry<T>[]> {
    // Unlike its public counterpart, fabric-shim resolves a private range query to {iterator}, whatever its types say.
    const response = (await this.ctx.stub.getPrivateDataByPartialCompositeKey(
      collection,
      type,
      attributes,
    )) as unknown;
    return this.entries<T>((response as { iterator: Iterators.StateQueryIterator }).iterator, collection);
  }

  /**
   * Up to `limit` committed entries of a collection under a partial composite key, in key order, from `bookmark`
   * (the key to read next; '' for the first page), and the bookmark of the next page ('' after the last).
   * Fabric has no paginated private query: a range from the bookmark, left once the page is full. Read-only txs
   * only, as every collection scan.
   */
  async collectionPage<T>(
    collection: string,
    type: KeyType,
    attributes: string[],
    limit: number,
    bookmark: string,
  ): Promise<{ entries: Entry<T>[]; bookmark: string }> {
    const prefix = this.ctx.stub.createCompositeKey(type, attributes);
    const response = (await this.ctx.stub.getPrivateDataByRange(
      collection,
      bookmark || prefix,
      `${prefix}${MAX_UNICODE_RUNE}`,
    )) as unknown;
    const entries: Entry<T>[] = [];
    for await (const kv of drain((response as { iterator: Iterators.StateQueryIterator }).iterator)) {
      if (entries.length === limit) return { entries, bookmark: kv.key };
      entries.push(this.entry<T>(kv, collection));
    }
    return { entries, bookmark: '' };
  }

  /**
   * Every committed entry under a partial composite key, in key order, read page by page, so none is cut off
   * by the peer's totalQueryLimit; the pages of one transaction read the same snapshot. Read-only txs only.
   */
  async *scanAll<T>(type: KeyType, attributes: string[] = []): AsyncGenerator<Entry<T>> {
    let bookmark = '';
    do {
      const page = await this.page<T>(type, attributes, SCAN_PAGE_SIZE, bookmark);
      yield* page.entries;
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }

  /** One page under a partial composite key; the bookmark is '' when nothing follows. Read-only txs only. */
  async page<T>(
    type: KeyType,
    attributes: string[],
    pageSize: number,
    bookmark: string,
  ): Promise<{ entries: Entry<T>[]; bookmark: string }> {
    const response = await this.ctx.stub.getStateByPartialCompositeKeyWithPagination(
      type,
      attributes,
      pageSize,
      bookmark,
    );
    const entries = await this.entries<T>(response.iterator);
    // The peer sends no metadata at all for an empty last page (protobuf drops an all-default message).
    return { entries, bookmark: response.metadata?.bookmark ?? '' };
  }

  /** Every version of a key, oldest first (Fabric returns newest first). */
  async history<T>(key: string): Promise<Version<T>[]> {
    const versions: Version<T>[] = [];
    for await (const mod of drain(await this.ctx.stub.getHistoryForKey(key))) {
      const json = Buffer.from(mod.value).toString('utf8');
      versions.push({
        txId: mod.txId,
        timestamp: timestampToIso(mod.timestamp),
        isDelete: mod.isDelete,
        value: mod.isDelete || json === '' ? null : (JSON.parse(json) as T),
      });
    }
    return versions.reverse();
  }

  /** Fabric keeps only the last event a transaction sets, so each transaction calls this once. */
  emit(event: LedgerEvent): void {
    this.ctx.stub.setEvent(event.type, Buffer.from(canonicalJson(event)));
  }

  private async entries<T>(
    iterator: Iterators.StateQueryIterator,
    collection?: Collection,
  ): Promise<Entry<T>[]> {
    const entries: Entry<T>[] = [];
    for await (const kv of drain(iterator)) entries.push(this.entry<T>(kv, collection));
    return entries;
  }

  /** An entry as a contract sees it: a private one without its salt. */
  private entry<T>(kv: Iterators.KV, collection?: Collection): Entry<T> {
    return {
      key: kv.key,
      attributes: this.ctx.stub.splitCompositeKey(kv.key).attributes,
      value: valueOf<T>(Buffer.from(kv.value).toString('utf8'), collection),
    };
  }
}

/**
 * Yields every result of a query. The peer frees a query's iterator itself once it has sent the last results
 * (and after every page of a paginated query), so only a consumer that stops early costs a close message.
 */
async function* drain<T>(iterator: Iterators.CommonIterator<T>): AsyncGenerator<T> {
  let exhausted = false;
  try {
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) yield result.value;
    exhausted = true;
  } finally {
    if (!exhausted) await iterator.close();
  }
}
