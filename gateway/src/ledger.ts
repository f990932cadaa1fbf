/**
 * The ledger behind a small interface. Every fabric-network call of the gateway is in this module: one
 * long-lived Gateway connection per process (discovery on), writes that wait for a commit on any peer of the own
 * organisation with a bounded timeout, writes to one hot record queued per gateway, read conflicts re-run as new
 * transactions, a refused broadcast answered at once, and unknown commit outcomes settled by resubmitting the same
 * transaction or by asking qscc, before answering COMMIT_TIMEOUT.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Checkpointer,
  Contract,
  ContractEvent,
  DefaultQueryHandlerStrategies,
  Gateway,
  Network,
  TimeoutError,
  Transaction,
  TxEventHandler,
  TxEventHandlerFactory,
  Wallets,
} from 'fabric-network';
import { CHAINCODE_NAME, CHANNEL_NAME, openReply, writeTransient } from '@settlement/chaincode/dist/api';
import type { LedgerEvent, TxName } from '@settlement/chaincode/dist/api';
import { decodeChainInfo, type PeerView } from '@settlement/evidence';
import { DecodedBlock, TransactionInfo, transactionInBlock } from './blocks';
import { CommitTimes } from './commit-times';
import { CommitWatcher } from './commit-watcher';
import type { GatewayConfig } from './config';
import { ApiError, fromChaincodeError, parseChaincodeError } from './errors';
import { KeyedQueue } from './keyed-queue';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { signNatively } from './signing';

export type { TransactionInfo };

export interface LedgerEventRecord {
  blockNumber: number;
  txId: string;
  event: LedgerEvent;
}

export interface SubmitOptions {
  /** Organisations whose peers must endorse (key-level policies that discovery cannot see). */
  endorsingOrgs?: string[];
  /**
   * Hot records the write updates (e.g. a policy's accumulator): writes naming a common one wait for each other
   * at this gateway, within the write's deadline, instead of invalidating each other.
   */
  serialiseOn?: string[];
  /** Transient entries the transaction reads besides its request (see PRIOR_VERSIONS). */
  transient?: Record<string, string>;
}

export interface LedgerClient {
  /** Runs a read-only transaction on one peer. */
  evaluate<T>(tx: TxName, request: object): Promise<T>;
  /** Endorses, orders and waits for the commit; answers the chaincode's result and the committed txId. */
  submit<T>(tx: TxName, request: object, options?: SubmitOptions): Promise<{ result: T; txId: string }>;
  blockHeight(): Promise<number>;
  /** MSP IDs of the organisations with a peer on the channel, as discovery last saw them. */
  peerOrganisations(): string[];
  /** MSP IDs the channel's configuration defines, as discovery last read it: who could ever endorse. */
  channelOrganisations(): string[];
  /** Reads the channel's organisations and peers again through discovery unless it did so moments ago. */
  rediscover(): Promise<void>;
  /** A committed transaction as the ledger records it; undefined when there is none with this id. */
  transaction(txId: string): Promise<TransactionInfo | undefined>;
  /** Block `number` as this organisation's peer stores it (protobuf common.Block). */
  block(number: number): Promise<Buffer>;
  /** The block holding transaction `txId`, as stored; undefined when there is none with this id. */
  blockOfTransaction(txId: string): Promise<Buffer | undefined>;
  /** What each peer discovery knows, of every organisation, says its chain's height and latest block hash are. */
  peerChainViews(): Promise<PeerView[]>;
  /** Calls onEvent for every chaincode event of a valid transaction from fromBlock on, in ledger order. */
  subscribe(fromBlock: number, onEvent: (record: LedgerEventRecord) => void): Promise<() => void>;
  close(): Promise<void>;
}

const CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);
/** How old discovery's view of the channel may grow before a transaction reads it again. */
const DISCOVERY_REFRESH_MS = 10_000;

interface DiscoveryService {
  refreshAge: number | undefined;
  getDiscoveryResults(refresh: boolean): Promise<unknown>;
}

/**
 * The discovery service fabric-network keeps on the network. fabric-network sends it no refreshAge, and
 * fabric-common then never refreshes (its check is `age > undefined`): an organisation that joined the channel
 * after the gateway connected stayed unknown to it, unable to endorse. Setting the age makes discovery run again.
 */
function discoveryOf(network: Network): DiscoveryService | undefined {
  return (network as unknown as { discoveryService?: DiscoveryService }).discoveryService;
}
const QSCC = 'qscc';
/** fabric-common's Committer rejects with this when the orderer did not answer the broadcast in time. */
const BROADCAST_TIMEOUT = 'SYSTEM TIMEOUT';

/**
 * fabric-common's DiscoveryHandler fails with this when the endorsing peers computed different read/write sets:
 * one had not yet committed a block the other had. Like a read conflict, a new transaction settles it.
 */
const ENDORSEMENTS_DIFFER = 'Peer endorsements do not match';

export function endorsementsDiffer(error: unknown): boolean {
  const { errors } = error as { errors?: unknown[] };
  return (errors ?? []).some((e) => (e as Error | null)?.message === ENDORSEMENTS_DIFFER);
}

/** BlockDecoder is exported by fabric-common at runtime but missing from its type declarations. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BlockDecoder } = require('fabric-common') as {
  BlockDecoder: { decode(bytes: Buffer): DecodedBlock };
};

interface PeerResponse {
  response?: { status?: number; message?: string };
}

/**
 * What a failed proposal says. The chaincode's coded error maps to its HTTP status; a peer answer without a
 * code means the chaincode could not be run (its service down, a missing function), a 503 whose detail does
 * not expose the peer's internals; no answer at all means unreachable. Evaluate failures carry the peer's
 * status and message directly, failed endorsements every peer's in `responses`.
 */
function proposalFailure(error: unknown, logger: Logger): ApiError | undefined {
  const { responses, message, status } = error as {
    responses?: PeerResponse[];
    message?: string;
    status?: unknown;
  };
  const answers = (responses ?? []).map((r) => r.response).filter((r) => r?.status !== undefined);
  for (const text of [...answers.map((r) => r?.message ?? ''), message ?? '']) {
    const body = parseChaincodeError(text);
    if (body) return fromChaincodeError(body);
  }
  const answered =
    answers.find((r) => (r?.status ?? 0) >= 400) ??
    (typeof status === 'number' ? { status, message } : undefined);
  if (!answered) return undefined;
  // Peer messages name packages and addresses, never request content (identities leave the gateway hashed).
  const peerMessage = (answered.message ?? '').split('\n')[0].slice(0, 300);
  logger.warn({ peerStatus: answered.status, peerMessage }, 'the peer could not run the chaincode');
  return new ApiError(503, 'LEDGER_UNAVAILABLE', 'the chaincode could not be run; retry the request');
}

/**
 * The validation code of a transaction that committed invalid. fabric-network 2.2 declares TransactionError
 * but does not export it at runtime, so the error is recognised by its transactionCode.
 */
function validationCodeOf(error: unknown): string | undefined {
  const code = (error as { transactionCode?: unknown } | null)?.transactionCode;
  return typeof code === 'string' ? code : undefined;
}

/** The SDK's message names peers, orderers and their addresses: it goes to the log, not to the caller. */
function unavailable(error: unknown, logger: Logger): ApiError {
  const detail = error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error);
  logger.warn({ detail }, 'the ledger could not be reached');
  return new ApiError(503, 'LEDGER_UNAVAILABLE', 'the ledger could not be reached; retry the request');
}

function busy(extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(503, 'LEDGER_UNAVAILABLE', 'the record is busy; retry the request', extra);
}

/** The orderer refused or never received the transaction, so it cannot commit: retrying is safe. */
/** Thrown by the ordering watchdog: the orderers neither accepted nor refused the broadcast in time. */
class OrderingStalled extends Error {}

function notOrdered(txId: string): ApiError {
  return new ApiError(503, 'LEDGER_UNAVAILABLE', 'the ordering service did not accept the transaction', {
    txId,
  });
}

function commitTimeout(txId: string): ApiError {
  return new ApiError(504, 'COMMIT_TIMEOUT', 'the commit could not be confirmed in time; retry the request', {
    txId,
  });
}

/** A write's reply, sealed by the chaincode with the key this gateway sent in the transient data. */
function parseReply<T>(sealed: Buffer, transient: Record<string, Buffer>, txId: string): T {
  return parsePayload<T>(Buffer.from(openReply(sealed, transient.replyKey, txId)));
}

function parsePayload<T>(payload: Buffer): T {
  return (payload.length === 0 ? undefined : JSON.parse(payload.toString('utf8'))) as T;
}

/** Keeps the listener's position in memory, so a reconnect after a peer restart neither skips nor repeats. */
class MemoryCheckpointer implements Checkpointer {
  private block: Parameters<Checkpointer['setBlockNumber']>[0] | undefined;
  private readonly txIds = new Set<string>();
  async addTransactionId(transactionId: string): Promise<void> {
    this.txIds.add(transactionId);
  }
  async getBlockNumber() {
    return this.block;
  }
  async getTransactionIds(): Promise<Set<string>> {
    return this.txIds;
  }
  async setBlockNumber(blockNumber: NonNullable<typeof this.block>): Promise<void> {
    this.block = blockNumber;
    this.txIds.clear();
  }
}

/** How far a submit got, as seen by its commit event handler. */
type SubmitStage = 'endorsing' | 'ordering' | 'committing';

export class FabricLedgerClient implements LedgerClient {
  private readonly queue = new KeyedQueue();

  /** Use connect(); the constructor takes the SDK objects so tests can hand in stand-ins. */
  constructor(
    private readonly gateway: Gateway,
    private readonly network: Network,
    private readonly contract: Contract,
    private readonly config: GatewayConfig['fabric'],
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** Commit handlers for this organisation's peers; `watcher` is closed with the client. */
    private readonly commitHandlers: TxEventHandlerFactory,
    private readonly watcher?: CommitWatcher,
  ) {}

  static async connect(config: GatewayConfig, metrics: Metrics, logger: Logger): Promise<FabricLedgerClient> {
    const fabric = config.fabric;
    const wallet = await Wallets.newFileSystemWallet(fabric.walletDir);
    signNatively(wallet);
    if (!(await wallet.get(fabric.identity))) {
      throw new Error(`identity "${fabric.identity}" not found in wallet ${fabric.walletDir}`);
    }
    const gateway = new Gateway();
    await gateway.connect(fabric.connectionProfile, {
      wallet,
      identity: fabric.identity,
      discovery: { enabled: true, asLocalhost: fabric.discoveryAsLocalhost },
      // The SDK checks each orderer's connection in turn before broadcasting: with Fabric's 3 s default, a
      // stopped orderer delays every refusal by seconds instead of letting the write fail fast.
      'connection-options': { 'grpc-wait-for-ready-timeout': fabric.connectTimeoutMs },
      // Commits are awaited through the CommitWatcher, set on every transaction.
      eventHandlerOptions: { endorseTimeout: fabric.endorseTimeoutSeconds },
      queryHandlerOptions: { strategy: DefaultQueryHandlerStrategies.MSPID_SCOPE_ROUND_ROBIN, timeout: 30 },
    });
    const network = await gateway.getNetwork(CHANNEL_NAME);
    const discovery = discoveryOf(network);
    if (discovery) discovery.refreshAge = DISCOVERY_REFRESH_MS;
    const contract = network.getContract(CHAINCODE_NAME);
    const watcher = await CommitWatcher.start(network, new CommitTimes(config.commitTimesFile, logger));
    const handlers = watcher.handlers(fabric.commitTimeoutSeconds);
    return new FabricLedgerClient(gateway, network, contract, fabric, metrics, logger, handlers, watcher);
  }

  private async timed<T>(tx: string, phase: string, call: () => Promise<T>): Promise<T> {
    const stop = this.metrics.ledgerDuration.startTimer({ tx, phase });
    try {
      const result = await call();
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
  }

  async evaluate<T>(tx: TxName, request: object): Promise<T> {
    let payload: Buffer;
    try {
      payload = await this.timed(tx, 'evaluate', () =>
        this.contract.evaluateTransaction(tx, JSON.stringify(request)),
      );
    } catch (error) {
      throw proposalFailure(error, this.logger) ?? unavailable(error, this.logger);
    }
    return parsePayload<T>(payload);
  }

  /**
   * Times a submit's phases and tells how far it got: endorsement runs until the SDK starts listening for the
   * commit (it does so right after collecting the endorsements), then the SDK broadcasts to the orderer and,
   * only once the orderer has accepted, waits for the commit event.
   */
  private timedPhases(tx: string): {
    factory: TxEventHandlerFactory;
    endorsed(outcome: string): void;
    stage(): SubmitStage;
    /** Rejects with OrderingStalled when the broadcast has been neither accepted nor refused in time. */
    stalled: Promise<never>;
    done(): void;
  } {
    let stage: SubmitStage = 'endorsing';
    let watchdog: NodeJS.Timeout | undefined;
    let stall: (error: Error) => void = () => undefined;
    const stalled = new Promise<never>((_, reject) => (stall = reject));
    stalled.catch(() => undefined);
    const done = (): void => clearTimeout(watchdog);
    let stopEndorse: ((labels: { outcome: string }) => void) | undefined =
      this.metrics.ledgerDuration.startTimer({ tx, phase: 'endorse' });
    const endorsed = (outcome: string): void => {
      stopEndorse?.({ outcome });
      stopEndorse = undefined;
    };
    const factory: TxEventHandlerFactory = (txId, network): TxEventHandler => {
      const handler = this.commitHandlers(txId, network);
      let stopCommit: ((labels: { outcome: string }) => void) | undefined;
      return {
        startListening: async () => {
          endorsed('ok');
          stage = 'ordering';
          // The SDK tries the orderers one after another, waiting on each unreachable one: without quorum a
          // refusal can take many seconds, so a broadcast not settled in time is answered as not ordered.
          watchdog = setTimeout(() => stall(new OrderingStalled()), this.config.orderTimeoutSeconds * 1000);
          stopCommit = this.metrics.ledgerDuration.startTimer({ tx, phase: 'commit' });
          await handler.startListening();
        },
        waitForEvents: async () => {
          done();
          stage = 'committing';
          try {
            await handler.waitForEvents();
            stopCommit?.({ outcome: 'ok' });
          } catch (error) {
            stopCommit?.({ outcome: 'error' });
            throw error;
          }
        },
        cancelListening: () => handler.cancelListening(),
      };
    };
    return { factory, endorsed, stage: () => stage, stalled, done };
  }

  /**
   * Waits for its turn on the records it updates, then endorses, orders and waits, re-running read conflicts
   * and settling unknown outcomes, all within one deadline: past it the answer is COMMIT_TIMEOUT with the latest
   * txId (503 busy if it never got its turn). The SDK's calls cannot be cancelled, so they finish in the
   * background; writes are idempotent, so the client's retry is safe.
   */
  async submit<T>(
    tx: TxName,
    request: object,
    options: SubmitOptions = {},
  ): Promise<{ result: T; txId: string }> {
    let txId = '';
    const expired = new AbortController();
    const work = this.queue.run(
      options.serialiseOn ?? [],
      () => this.submitWithRetries<T>(tx, request, options, expired.signal, (id) => (txId = id)),
      expired.signal,
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const problem = txId ? commitTimeout(txId) : busy();
        expired.abort(problem);
        reject(problem);
      }, this.config.requestDeadlineSeconds * 1000);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
      // A failure after the deadline has nobody to answer; it must not become an unhandled rejection.
      work.catch(() => undefined);
    }
  }

  private async submitWithRetries<T>(
    tx: TxName,
    request: object,
    options: SubmitOptions,
    expired: AbortSignal,
    onAttempt: (txId: string) => void,
  ): Promise<{ result: T; txId: string }> {
    for (let attempt = 0; ; attempt++) {
      const phases = this.timedPhases(tx);
      const transient = writeTransient(request, options.transient);
      const transaction = this.contract
        .createTransaction(tx)
        .setEventHandler(phases.factory)
        .setTransient(transient);
      if (options.endorsingOrgs?.length) transaction.setEndorsingOrganizations(...options.endorsingOrgs);
      const txId = transaction.getTransactionId();
      onAttempt(txId);
      const submitted = this.timed(tx, 'submit', () => transaction.submit());
      try {
        const payload = await Promise.race([submitted, phases.stalled]);
        return { result: parseReply<T>(payload, transient, txId), txId };
      } catch (error) {
        phases.endorsed('error');
        if (error instanceof OrderingStalled) {
          // The SDK goes on in the background; should the orderers accept it after all, the client's retry of
          // this idempotent write finds the record.
          submitted.catch(() => undefined);
          this.logger.warn({ tx, txId }, 'the ordering service did not answer the broadcast in time');
          throw notOrdered(txId);
        }
        const code = validationCodeOf(error);
        const conflict =
          code && CONFLICTS.has(code) ? code : endorsementsDiffer(error) ? 'ENDORSEMENTS_DIFFER' : '';
        // Past the deadline nobody waits for the answer: stop re-running, so the next write gets its turn.
        if (conflict && attempt < this.config.conflictRetries && !expired.aborted) {
          // The conflict consumed this txId; the chaincode re-reads the state in a new transaction.
          this.metrics.ledgerRetries.inc({ tx, reason: conflict });
          await sleep(50 * 2 ** attempt + Math.floor(Math.random() * 50));
          continue;
        }
        if (code) throw this.rejected(txId, code);
        // Not "unreachable": both peers answered, one from a state the other had already moved past.
        if (conflict) throw busy({ reason: conflict });
        const refused = proposalFailure(error, this.logger);
        if (refused) throw refused;
        const stage = phases.stage();
        // A failed broadcast that got an answer (SERVICE_UNAVAILABLE without quorum) or none at all (orderer
        // down) was never accepted; only one that timed out may have been.
        if (stage === 'ordering' && (error as Error).message !== BROADCAST_TIMEOUT) {
          const reason = (error as Error).message;
          this.logger.warn({ tx, txId, reason }, 'the ordering service did not accept the transaction');
          throw notOrdered(txId);
        }
        if (error instanceof TimeoutError || stage !== 'endorsing') {
          return { result: await this.settleUnknownOutcome<T>(tx, transaction, transient), txId };
        }
        throw unavailable(error, this.logger);
      } finally {
        phases.done();
      }
    }
  }

  private rejected(txId: string, validationCode: string): ApiError {
    const extra = { txId, validationCode };
    if (CONFLICTS.has(validationCode)) return busy(extra);
    return new ApiError(502, 'LEDGER_REJECTED', `the transaction was invalidated: ${validationCode}`, extra);
  }

  /**
   * The transaction may or may not have committed. Asks qscc first; if the ledger has not seen it, resubmits the
   * very same transaction (same txId, so it cannot commit twice) and asks again. Answers COMMIT_TIMEOUT with the
   * txId only when the outcome is still unknown; retrying the request is safe because writes are idempotent.
   */
  private async settleUnknownOutcome<T>(
    tx: TxName,
    transaction: Transaction,
    transient: Record<string, Buffer>,
  ): Promise<T> {
    const txId = transaction.getTransactionId();
    const confirmed = async (): Promise<T | undefined> => {
      const info = await this.transaction(txId).catch(() => undefined);
      if (!info) return undefined;
      if (info.validationCode !== 'VALID') throw this.rejected(txId, info.validationCode);
      return parseReply<T>(info.payload, transient, txId);
    };
    const first = await confirmed();
    if (first !== undefined) return first;
    this.metrics.ledgerRetries.inc({ tx, reason: 'COMMIT_UNKNOWN' });
    this.logger.warn({ tx, txId }, 'commit outcome unknown; resubmitting the same transaction');
    const phases = this.timedPhases(tx);
    try {
      // The copy keeps the transient data, so its salt and its write set are the first's.
      const again = this.contract.deserializeTransaction(transaction.serialize());
      again.setEventHandler(phases.factory);
      return parseReply<T>(await again.submit(), transient, txId);
    } catch (error) {
      phases.endorsed('error');
      // DUPLICATE_TXID (or a peer refusing a known txId) means the first copy got through: qscc has the answer.
      const retried = await confirmed();
      if (retried !== undefined) return retried;
      const code = validationCodeOf(error);
      if (code && code !== 'DUPLICATE_TXID') throw this.rejected(txId, code);
    }
    throw commitTimeout(txId);
  }

  async blockHeight(): Promise<number> {
    try {
      const payload = await this.network.getContract(QSCC).evaluateTransaction('GetChainInfo', CHANNEL_NAME);
      // BlockchainInfo.height is field 1, a varint: decoding it by hand avoids a protobuf dependency.
      return readFirstVarintField(payload);
    } catch (error) {
      throw unavailable(error, this.logger);
    }
  }

  peerOrganisations(): string[] {
    const peers = this.network.getChannel().getEndorsers();
    return [...new Set(peers.map((peer) => peer.mspid).filter(Boolean))].sort();
  }

  channelOrganisations(): string[] {
    return [...this.network.getChannel().getMspids()].sort();
  }

  async rediscover(): Promise<void> {
    try {
      await discoveryOf(this.network)?.getDiscoveryResults(true);
    } catch (error) {
      throw unavailable(error, this.logger);
    }
  }

  async transaction(txId: string): Promise<TransactionInfo | undefined> {
    const bytes = await this.blockOfTransaction(txId);
    const info = bytes && transactionInBlock(BlockDecoder.decode(bytes), txId);
    return info && { ...info, committedAt: this.watcher?.times.get(info.blockNumber) };
  }

  async blockOfTransaction(txId: string): Promise<Buffer | undefined> {
    try {
      return await this.network.getContract(QSCC).evaluateTransaction('GetBlockByTxID', CHANNEL_NAME, txId);
    } catch (error) {
      // qscc answers "no such transaction ID" as an error; a reachable peer with that answer means not found.
      if (/not found|no such transaction/i.test(String((error as Error).message))) return undefined;
      throw unavailable(error, this.logger);
    }
  }

  async block(number: number): Promise<Buffer> {
    try {
      return await this.network
        .getContract(QSCC)
        .evaluateTransaction('GetBlockByNumber', CHANNEL_NAME, String(number));
    } catch (error) {
      throw unavailable(error, this.logger);
    }
  }

  async peerChainViews(): Promise<PeerView[]> {
    const qscc = this.network.getContract(QSCC);
    const views = await Promise.all(
      this.network
        .getChannel()
        .getEndorsers()
        .map(async (peer) => {
          try {
            const tx = qscc.createTransaction('GetChainInfo').setEndorsingPeers([peer]);
            const { height, currentBlockHash } = decodeChainInfo(await tx.evaluate(CHANNEL_NAME));
            return { mspId: peer.mspid, peer: peer.name, height, currentBlockHash };
          } catch (error) {
            // A peer that does not answer is left out: the package shows the views that could be obtained.
            this.logger.warn({ err: error, peer: peer.name }, 'no chain information from a peer');
            return undefined;
          }
        }),
    );
    return views.filter((view) => view !== undefined).sort((a, b) => a.peer.localeCompare(b.peer));
  }

  async subscribe(fromBlock: number, onEvent: (record: LedgerEventRecord) => void): Promise<() => void> {
    const listener = async (event: ContractEvent): Promise<void> => {
      const txEvent = event.getTransactionEvent();
      if (!txEvent.isValid || !event.payload) return;
      try {
        const payload = JSON.parse(event.payload.toString('utf8')) as LedgerEvent;
        onEvent({
          blockNumber: Number(txEvent.getBlockEvent().blockNumber.toString()),
          txId: txEvent.transactionId,
          event: payload,
        });
      } catch (error) {
        this.logger.warn({ err: error, txId: txEvent.transactionId }, 'ignoring an event that is not JSON');
      }
    };
    try {
      await this.contract.addContractListener(listener, {
        type: 'full',
        startBlock: fromBlock,
        checkpointer: new MemoryCheckpointer(),
      });
    } catch (error) {
      // The SDK may have registered the listener before failing; a retry must not add a second one.
      this.contract.removeContractListener(listener);
      throw unavailable(error, this.logger);
    }
    return () => this.contract.removeContractListener(listener);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.gateway.disconnect();
  }
}

/** Reads field 1 of a protobuf message when it is a varint (e.g. common.BlockchainInfo.height). */
export function readFirstVarintField(bytes: Buffer): number {
  if (bytes[0] !== 0x08) return 0;
  let value = 0;
  let shift = 0;
  for (let i = 1; i < bytes.length && i < 10; i++) {
    value += (bytes[i] & 0x7f) * 2 ** shift;
    if ((bytes[i] & 0x80) === 0) return value;
    shift += 7;
  }
  throw new Error('malformed varint');
}
