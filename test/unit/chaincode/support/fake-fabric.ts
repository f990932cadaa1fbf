/**
 * An in-memory Fabric for unit tests, faithful where the chaincode depends on it: a transaction reads only
 * committed state (its writes are buffered, applied on commit, dropped if it throws); composite keys are
 * Fabric's own (the shim's functions) and range scans follow the state database's byte order; pagination
 * bookmarks are the next key; history is per key, newest first, with tx ids and timestamps; key-level
 * validation parameters are recorded and, on request, enforced with the chaincode-level policy; only the last
 * event of a transaction survives; each call has its own creator MSP ID, tx id and timestamp.
 *
 * Private data as the network defines it (network/lib/chaincode.sh): collections by name, read and written only
 * by members, no history and no scans (the chaincode must not need them), hashes for everyone, key-level and
 * collection-level endorsement policies, and endorsers that must all be members of what the transaction reads.
 * Writes take their request and salt from the transient data, as the gateway sends them; reads an argument.
 */
import './quiet-logs';
import { createHash } from 'crypto';
import Long from 'long';
import { ChaincodeStub, KeyEndorsementPolicy } from 'fabric-shim';
import type { Context } from 'fabric-contract-api';
import {
  openReply,
  type ChaincodeErrorBody,
  type TxName,
  type TxResults,
} from '../../../../chaincode/src/api';
import type { LedgerContract } from '../../../../chaincode/src/context';
import { PerfContract } from '../../../../chaincode/src/contracts/perf';
import { contracts } from '../../../../chaincode/src/index';

const MAX_UNICODE = '\u{10ffff}';

interface Modification {
  txId: string;
  timestamp: { seconds: number; nanos: number };
  isDelete: boolean;
  value: Buffer;
}

export interface RecordedEvent {
  txId: string;
  name: string;
  payload: unknown;
}

/** Validation rejected the transaction: its endorsements do not satisfy the policy of `key`. */
export class EndorsementPolicyFailure extends Error {
  readonly transactionCode = 'ENDORSEMENT_POLICY_FAILURE';
  constructor(readonly key: string) {
    super(`ENDORSEMENT_POLICY_FAILURE for key ${JSON.stringify(key)}`);
  }
}

/** A refusal by the chaincode, decoded from its JSON message. */
export class ChaincodeFailure extends Error {
  constructor(readonly body: ChaincodeErrorBody) {
    super(`${body.code}: ${body.message}`);
  }
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A query's results; as with fabric-shim, close() is a message to the peer even after the last result. */
function iteratorOver<T>(
  items: T[],
  onClose: () => void,
): {
  next(): Promise<{ value: T; done: boolean }>;
  close(): Promise<void>;
} {
  let index = 0;
  return {
    next: async () =>
      index < items.length ? { value: items[index++], done: false } : { value: undefined as T, done: true },
    close: async () => onClose(),
  };
}

/**
 * The network's collections by the convention of network/lib/chaincode.sh: an insurer's (its own peer endorses
 * every write) for it, the regulator and every hospital; a hospital and insurer's pair (both endorse) for them and
 * the regulator. Organisations are told apart by their MSP IDs' prefixes, as the unit tests name them.
 */
export function collectionRules(name: string): { members: (msp: string) => boolean; endorsers: string[] } {
  const regulator = (msp: string) => msp.startsWith('Regulator');
  const insurer = /^policies_([A-Za-z0-9]+)$/.exec(name);
  if (insurer) {
    const [, owner] = insurer;
    return {
      members: (msp) => msp === owner || regulator(msp) || msp.startsWith('Hospital'),
      endorsers: [owner],
    };
  }
  const pair = /^settlements_([A-Za-z0-9]+)_([A-Za-z0-9]+)$/.exec(name);
  if (pair) {
    const [, hospital, owner] = pair;
    return {
      members: (msp) => msp === hospital || msp === owner || regulator(msp),
      endorsers: [hospital, owner],
    };
  }
  throw new Error(`collection settlement/settlement/${name} could not be found`);
}

/** A key's place among private keys: its collection and the key. */
export const privateSlot = (collection: string, key: string): string => `${collection}\u0000${key}`;

type ContractInstance = {
  createContext(): Context;
  beforeTransaction(ctx: Context): Promise<void>;
  afterTransaction(ctx: Context, result: unknown): Promise<void>;
} & Record<string, unknown>;

export class FakeFabric {
  readonly state = new Map<string, Buffer>();
  readonly validationParameters = new Map<string, Buffer>();
  /** Private values by privateSlot(collection, key); no history is kept of them, as in Fabric. */
  readonly privateState = new Map<string, Buffer>();
  readonly history = new Map<string, Modification[]>();
  readonly events: RecordedEvent[] = [];
  /** How often the last transaction asked the peer for each key or range (the start key of a scan). */
  lastReads = new Map<string, number>();
  /** How often the last transaction sent the peer a write of each key. */
  lastWrites = new Map<string, number>();
  /** How many messages the last transaction sent the peer: each one a round trip on a real network. */
  lastMessages = 0;
  /** As the peer's ledger.state.totalQueryLimit: a plain range scan ends, silently, after this many entries. */
  totalQueryLimit = 100_000;
  private readonly instances = new Map<string, ContractInstance>();
  private clock = Date.parse('2026-03-01T08:00:00.000Z');
  /** How far the peer's clock is ahead of the proposals' time (negative: behind). */
  peerClockOffsetMs = 0;
  private txCount = 0;

  constructor() {
    // Perf too, which only a bench network serves: its unit tests run here.
    for (const ContractClass of new Set([...contracts, PerfContract])) {
      const instance = new ContractClass() as unknown as ContractInstance & { getName(): string };
      // The peer's clock reads the transaction's own time, shifted by what a test sets.
      (instance as unknown as LedgerContract).peerClock = () => this.clock + this.peerClockOffsetMs;
      this.instances.set(instance.getName(), instance);
    }
  }

  /** Later transactions carry this time (each one a second after the previous). */
  setTime(iso: string): void {
    this.clock = Date.parse(iso) - 1000;
  }

  /** Submits: runs the transaction as `mspId` and commits its writes. */
  /** Submits; `extra` transient entries go along with the request, salt and reply key. */
  async invoke<N extends TxName>(
    mspId: string,
    tx: N,
    request: unknown,
    extra: Record<string, string> = {},
  ): Promise<TxResults[N]> {
    const json = JSON.stringify(request);
    return JSON.parse(await this.run(mspId, tx, json, true, undefined, undefined, extra)) as TxResults[N];
  }

  /**
   * Submits with the peers of `endorsers` only, and validates as Fabric does before committing: a key with a
   * key-level policy (as committed before this transaction) needs a peer of each organisation it names; any
   * other written key needs the chaincode-level policy, OutOf(2) of the organisations (network/lib/chaincode.sh).
   * Fails with EndorsementPolicyFailure, committing nothing.
   */
  async invokeEndorsedBy<N extends TxName>(
    endorsers: string[],
    mspId: string,
    tx: N,
    request: unknown,
  ): Promise<TxResults[N]> {
    return JSON.parse(await this.run(mspId, tx, JSON.stringify(request), true, endorsers)) as TxResults[N];
  }

  /** Evaluates: runs the transaction as `mspId` and discards whatever it wrote. */
  async query<N extends TxName>(mspId: string, tx: N, request: unknown): Promise<TxResults[N]> {
    return JSON.parse(await this.run(mspId, tx, JSON.stringify(request), false)) as TxResults[N];
  }

  /** The declared transactions of a contract with their tags (SUBMIT or EVALUATE), from its metadata. */
  declared(contractName: string): { name: string; tag: string[] }[] {
    const instance = this.instances.get(contractName);
    // fabric-contract-api's @Transaction records them with reflect-metadata, which it loads.
    const reflect = Reflect as unknown as { getMetadata(key: string, target: object): unknown };
    const declared = instance ? reflect.getMetadata('fabric:transactions', instance) : undefined;
    return (declared ?? []) as { name: string; tag: string[] }[];
  }

  /**
   * Runs `tx` as `mspId`: a write with `argument` as its transient request (and a salt, and `extra`) unless
   * `transient` is given, a read with `argument` as its one argument.
   */
  async run(
    mspId: string,
    tx: string,
    argument: string,
    commit: boolean,
    endorsers?: string[],
    transient?: Map<string, Buffer>,
    extra: Record<string, string> = {},
  ): Promise<string> {
    const [contractName, fn] = tx.split(':');
    const instance = this.instances.get(contractName);
    const declared = this.declared(contractName).find((t) => t.name === fn);
    if (!instance || !declared) throw new Error(`${tx} is not a transaction of the chaincode`);
    this.txCount += 1;
    this.clock += 1000;
    const txId = `tx${String(this.txCount).padStart(6, '0')}`;
    const writes = declared.tag.includes('SUBMIT');
    const replyKey = createHash('sha256').update(`reply key of ${txId}`).digest();
    const sent =
      transient ??
      new Map(
        writes
          ? [
              ['request', Buffer.from(argument)],
              ['salt', Buffer.from(`salt of ${txId}`)],
              ['replyKey', replyKey],
              ...Object.entries(extra).map(([name, text]): [string, Buffer] => [name, Buffer.from(text)]),
            ]
          : [],
      );
    const stub = new FakeStub(this, txId, this.clock, mspId, sent);
    this.lastReads = new Map();
    this.lastWrites = new Map();
    this.lastMessages = 0;
    const ctx = instance.createContext();
    ctx.stub = stub as unknown as Context['stub'];
    ctx.clientIdentity = {
      getMSPID: () => mspId,
      getID: () => `x509::/CN=user::/CN=ca.${mspId}`,
    } as Context['clientIdentity'];
    let result: string;
    try {
      await instance.beforeTransaction(ctx);
      const call = instance[fn] as (ctx: Context, ...args: string[]) => Promise<string>;
      result = await call.call(instance, ctx, ...(writes ? [] : [argument]));
      await instance.afterTransaction(ctx, result);
    } catch (error) {
      throw decode(error);
    }
    if (endorsers) this.validateEndorsements(stub, endorsers);
    if (commit) this.commit(stub);
    // A write's reply is sealed for its caller, who holds the key it sent.
    return writes ? openReply(Buffer.from(result), sent.get('replyKey') as Buffer, txId) : result;
  }

  private validateEndorsements(stub: FakeStub, endorsers: string[]): void {
    // An endorser outside a collection the transaction read could not have produced the same result.
    for (const collection of stub.collectionsRead) {
      const { members } = collectionRules(collection);
      const outsider = endorsers.find((org) => !members(org));
      if (outsider) throw new Error(`${outsider}'s peer cannot read ${collection}: endorsements differ`);
    }
    const endorsing = new Set(endorsers);
    const satisfies = (parameter: Buffer | undefined, otherwise: () => boolean) =>
      parameter
        ? new KeyEndorsementPolicy(parameter).listOrgs().every((org) => endorsing.has(org))
        : otherwise();
    for (const key of new Set([...stub.writes.keys(), ...stub.validationWrites.keys()])) {
      if (!satisfies(this.validationParameters.get(key), () => endorsing.size >= 2))
        throw new EndorsementPolicyFailure(key);
    }
    for (const slot of new Set([...stub.privateWrites.keys(), ...stub.privateValidationWrites.keys()])) {
      const collection = slot.slice(0, slot.indexOf('\u0000'));
      const byCollection = () => collectionRules(collection).endorsers.every((org) => endorsing.has(org));
      if (!satisfies(this.validationParameters.get(slot), byCollection))
        throw new EndorsementPolicyFailure(slot);
    }
  }

  /** Everything the ledger holds, as one comparable string. */
  snapshot(): string {
    const sorted = <V>(map: Map<string, V>): [string, V][] =>
      [...map.entries()].sort(([a], [b]) => byteOrder(a, b));
    return JSON.stringify({
      state: sorted(this.state).map(([k, v]) => [k, v.toString('utf8')]),
      private: sorted(this.privateState).map(([k, v]) => [k, v.toString('utf8')]),
      validation: sorted(this.validationParameters).map(([k, v]) => [k, v.toString('base64')]),
      history: sorted(this.history).map(([k, v]) => [k, v.length]),
      events: this.events.length,
    });
  }

  countMessage(): void {
    this.lastMessages += 1;
  }

  countRead(key: string): void {
    this.countMessage();
    this.lastReads.set(key, (this.lastReads.get(key) ?? 0) + 1);
  }

  countWrite(key: string): void {
    this.countMessage();
    this.lastWrites.set(key, (this.lastWrites.get(key) ?? 0) + 1);
  }

  /** The keys from startKey (inclusive) to endKey (exclusive) in byte order, of the public state or of `keys`. */
  keysInOrder(startKey: string, endKey: string, keys: Iterable<string> = this.state.keys()): string[] {
    return [...keys]
      .filter((key) => byteOrder(key, startKey) >= 0 && byteOrder(key, endKey) < 0)
      .sort(byteOrder);
  }

  private commit(stub: FakeStub): void {
    const timestamp = { seconds: Math.floor(stub.time / 1000), nanos: (stub.time % 1000) * 1e6 };
    for (const [key, value] of stub.writes) {
      if (value === null) this.state.delete(key);
      else this.state.set(key, value);
      const versions = this.history.get(key) ?? [];
      versions.push({
        txId: stub.txId,
        timestamp,
        isDelete: value === null,
        value: value ?? Buffer.alloc(0),
      });
      this.history.set(key, versions);
    }
    for (const [slot, value] of stub.privateWrites) {
      if (value === null) this.privateState.delete(slot);
      else this.privateState.set(slot, value);
    }
    for (const [key, parameter] of stub.validationWrites) this.validationParameters.set(key, parameter);
    for (const [slot, parameter] of stub.privateValidationWrites)
      this.validationParameters.set(slot, parameter);
    if (stub.event) this.events.push({ txId: stub.txId, ...stub.event });
  }
}

function decode(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  try {
    const body = JSON.parse(error.message) as ChaincodeErrorBody;
    return typeof body.code === 'string' ? new ChaincodeFailure(body) : error;
  } catch {
    return error;
  }
}

/** The part of ChaincodeStub the chaincode uses; anything else is missing on purpose, so a new use shows up. */
class FakeStub {
  readonly writes = new Map<string, Buffer | null>();
  readonly validationWrites = new Map<string, Buffer>();
  readonly privateWrites = new Map<string, Buffer | null>();
  readonly privateValidationWrites = new Map<string, Buffer>();
  readonly collectionsRead = new Set<string>();
  event?: { name: string; payload: unknown };
  private paginated = false;
  private scannedCollection = false;

  constructor(
    private readonly fabric: FakeFabric,
    readonly txId: string,
    readonly time: number,
    private readonly creator: string,
    private readonly transient: Map<string, Buffer>,
  ) {}

  getTransient(): Map<string, Buffer> {
    return this.transient;
  }

  /** As the peer with memberOnlyRead and memberOnlyWrite: the transaction's creator must be a member. */
  private member(collection: string, access: 'read' | 'write'): void {
    if (!collectionRules(collection).members(this.creator)) {
      throw new Error(`tx creator does not have ${access} access permission on privatedata in ${collection}`);
    }
  }

  async getPrivateData(collection: string, key: string): Promise<Buffer> {
    this.member(collection, 'read');
    this.collectionsRead.add(collection);
    const slot = privateSlot(collection, key);
    this.fabric.countRead(slot);
    return Buffer.from(this.fabric.privateState.get(slot) ?? Buffer.alloc(0));
  }

  /** Every peer has the hashes, member or not. */
  async getPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    collectionRules(collection);
    this.fabric.countMessage();
    const value = this.fabric.privateState.get(privateSlot(collection, key));
    return value ? createHash('sha256').update(value).digest() : Buffer.alloc(0);
  }

  /** As the peer: a transaction may scan a collection or write, not both. */
  async getPrivateDataByPartialCompositeKey(collection: string, objectType: string, attributes: string[]) {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.getPrivateDataByRange(collection, prefix, prefix + MAX_UNICODE);
  }

  async getPrivateDataByRange(collection: string, startKey: string, endKey: string) {
    this.member(collection, 'read');
    if (this.writes.size > 0 || this.privateWrites.size > 0)
      throw new Error('private data range queries are not allowed in a transaction that writes');
    this.scannedCollection = true;
    this.collectionsRead.add(collection);
    const start = privateSlot(collection, startKey);
    this.fabric.countRead(start);
    const slots = this.fabric.keysInOrder(
      start,
      privateSlot(collection, endKey),
      this.fabric.privateState.keys(),
    );
    const kvs = slots.map((slot) => ({
      namespace: 'settlement',
      key: slot.slice(collection.length + 1),
      value: Buffer.from(this.fabric.privateState.get(slot)!),
    }));
    // As fabric-shim does for private data: the iterator comes wrapped.
    return { iterator: iteratorOver(kvs, this.closed) };
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.member(collection, 'write');
    if (this.scannedCollection)
      throw new Error('writes are not allowed in a transaction that ran a private data range query');
    const slot = privateSlot(collection, key);
    this.fabric.countWrite(slot);
    this.privateWrites.set(slot, value.length === 0 ? null : Buffer.from(value));
  }

  async setPrivateDataValidationParameter(
    collection: string,
    key: string,
    parameter: Uint8Array,
  ): Promise<void> {
    collectionRules(collection);
    this.fabric.countMessage();
    this.privateValidationWrites.set(privateSlot(collection, key), Buffer.from(parameter));
  }

  getTxID(): string {
    return this.txId;
  }

  getTxTimestamp(): { seconds: Long; nanos: number } {
    return { seconds: Long.fromNumber(Math.floor(this.time / 1000), true), nanos: (this.time % 1000) * 1e6 };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return ChaincodeStub.prototype.createCompositeKey.call(this, objectType, attributes);
  }

  splitCompositeKey(key: string): { objectType: string; attributes: string[] } {
    return ChaincodeStub.prototype.splitCompositeKey.call(this, key);
  }

  async getState(key: string): Promise<Buffer> {
    this.fabric.countRead(key);
    return Buffer.from(this.fabric.state.get(key) ?? Buffer.alloc(0));
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (this.paginated || this.scannedCollection)
      throw new Error('writes are not allowed in a transaction that ran a paginated or private data query');
    this.fabric.countWrite(key);
    // Fabric stores an empty value as a delete.
    this.writes.set(key, value.length === 0 ? null : Buffer.from(value));
  }

  async setStateValidationParameter(key: string, parameter: Uint8Array): Promise<void> {
    this.fabric.countMessage();
    this.validationWrites.set(key, Buffer.from(parameter));
  }

  async getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    const start = this.createCompositeKey(objectType, attributes);
    this.fabric.countRead(start);
    const keys = this.fabric.keysInOrder(start, start + MAX_UNICODE);
    return iteratorOver(this.kvs(keys.slice(0, this.fabric.totalQueryLimit)), this.closed);
  }

  async getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark: string,
  ) {
    if (this.writes.size > 0)
      throw new Error('paginated queries are not allowed in a transaction that writes');
    this.paginated = true;
    const partial = this.createCompositeKey(objectType, attributes);
    // As the peer does: a bookmark replaces the start key; the end key stays.
    const keys = this.fabric.keysInOrder(bookmark === '' ? partial : bookmark, partial + MAX_UNICODE);
    const page = keys.slice(0, pageSize);
    const metadata = { fetchedRecordsCount: page.length, bookmark: keys[pageSize] ?? '' };
    // As fabric-shim does: an all-default metadata message arrives as no bytes, so no metadata at all.
    const empty = metadata.fetchedRecordsCount === 0 && metadata.bookmark === '';
    this.fabric.countMessage();
    return { iterator: iteratorOver(this.kvs(page), this.closed), metadata: empty ? undefined : metadata };
  }

  async getHistoryForKey(key: string) {
    this.fabric.countMessage();
    return iteratorOver([...(this.fabric.history.get(key) ?? [])].reverse(), this.closed);
  }

  private readonly closed = (): void => this.fabric.countMessage();

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) };
  }

  private kvs(keys: string[]): { namespace: string; key: string; value: Buffer }[] {
    return keys.map((key) => ({
      namespace: 'settlement',
      key,
      value: Buffer.from(this.fabric.state.get(key)!),
    }));
  }
}
