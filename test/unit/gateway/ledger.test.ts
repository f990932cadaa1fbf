import { expect } from 'chai';
import { sealReply, Tx } from '@settlement/chaincode/dist/api';
import { TimeoutError } from 'fabric-network';
import type { Contract, Gateway, Network, TxEventHandlerFactory } from 'fabric-network';
import type { TransactionInfo } from '../../../gateway/src/blocks';
import { ApiError } from '../../../gateway/src/errors';
import { FabricLedgerClient } from '../../../gateway/src/ledger';
import { createLogger } from '../../../gateway/src/logger';
import { createMetrics } from '../../../gateway/src/metrics';
import { testConfig } from './harness';

type Outcome = (tx: StubTransaction) => Promise<Buffer>;

/** A stand-in for fabric-network's Transaction: each submit takes the next scripted outcome. */
/** Each transaction's reply key, by txId: a resubmitted copy (same txId) seals with its original's. */
const replyKeys = new Map<string, Buffer>();
/** A reply as the chaincode returns it: sealed with the key the transaction sent. */
const sealed = (payload: Buffer, txId: string): Buffer =>
  Buffer.from(sealReply(payload.toString('utf8'), replyKeys.get(txId) as Buffer, txId));

class StubTransaction {
  endorsingOrgs: string[] = [];
  transient: Record<string, Buffer> = {};
  private handlerFactory: TxEventHandlerFactory | undefined;
  constructor(
    readonly txId: string,
    private readonly outcome: Outcome,
  ) {}
  setEventHandler(factory: TxEventHandlerFactory) {
    this.handlerFactory = factory;
    return this;
  }
  /** Walks the commit handler as the SDK does: listen once endorsed, wait once the orderer accepted. */
  async reach(stage: 'ordering' | 'committing') {
    const handler = this.handlerFactory?.(this.txId, {} as Network);
    await handler?.startListening();
    if (stage === 'committing') await handler?.waitForEvents();
  }
  setEndorsingOrganizations(...orgs: string[]) {
    this.endorsingOrgs = orgs;
    return this;
  }
  setTransient(transient: Record<string, Buffer>) {
    this.transient = transient;
    replyKeys.set(this.txId, transient.replyKey);
    return this;
  }
  getTransactionId() {
    return this.txId;
  }
  serialize() {
    return Buffer.from(this.txId);
  }
  async submit() {
    return sealed(await this.outcome(this), this.txId);
  }
}

const ok =
  (value: unknown): Outcome =>
  async () =>
    Buffer.from(JSON.stringify(value));
const fail =
  (error: unknown): Outcome =>
  async () => {
    throw error;
  };
const invalidated = (code: string) =>
  Object.assign(new Error(`invalidated ${code}`), { transactionCode: code });
/** fabric-common's failure when the endorsing peers answered from different states. */
const endorsementsDiffer = () =>
  Object.assign(new Error('No valid responses from any peers.'), {
    errors: [new Error('Peer endorsements do not match')],
  });
const endorsementFailure = (status: number, message: string) =>
  Object.assign(new Error('No valid responses from any peers.'), {
    responses: [{ response: { status, message } }],
  });
/** The orderer accepted the transaction, but no commit event came. */
const orderedButUnknown = (): Outcome => async (tx) => {
  await tx.reach('committing');
  throw Object.assign(new TimeoutError('commit timeout'), { responses: [{ endorsement: {} }] });
};
/** fabric-common's error when the only reachable orderer answers the broadcast without success. */
const refusedByOrderer =
  (message: string): Outcome =>
  async (tx) => {
    await tx.reach('ordering');
    throw Object.assign(new Error(message), { responses: [{ endorsement: {} }] });
  };
/** A commit event handler that is done at once: the stubs decide the outcome. */
const noWait: TxEventHandlerFactory = () => ({
  startListening: async () => undefined,
  waitForEvents: async () => undefined,
  cancelListening: () => undefined,
});

/** The client with scripted submits, evaluates and qscc answers. */
function harness(
  submits: Outcome[],
  options: {
    resubmit?: Outcome[];
    ledgerTx?: (TransactionInfo | undefined)[];
    deadlineSeconds?: number;
    orderTimeoutSeconds?: number;
  } = {},
) {
  const created: StubTransaction[] = [];
  const resubmits = [...(options.resubmit ?? [])];
  const ledgerTx = [...(options.ledgerTx ?? [])];
  let evaluate: (name: string, arg: string) => Promise<Buffer> = async () => Buffer.from('{}');
  const contract = {
    createTransaction: () => {
      const tx = new StubTransaction(String(created.length).padStart(64, '0'), submits[created.length]);
      created.push(tx);
      return tx;
    },
    deserializeTransaction: (data: Buffer) =>
      new StubTransaction(data.toString(), resubmits.shift() as Outcome),
    evaluateTransaction: (name: string, arg: string) => evaluate(name, arg),
  } as unknown as Contract;
  const qscc = { evaluateTransaction: async () => Buffer.from([0x08, 0x2a]) };
  const endorsers = [{ mspid: 'Insurer1MSP' }, { mspid: 'Hospital1MSP' }, { mspid: 'Insurer1MSP' }];
  const network = {
    getContract: () => qscc,
    getChannel: () => ({ getEndorsers: () => endorsers, getMspids: () => ['OrdererMSP', 'Insurer1MSP'] }),
  } as unknown as Network;
  const metrics = createMetrics();
  const client = new (class extends FabricLedgerClient {
    override async transaction(): Promise<TransactionInfo | undefined> {
      const info = ledgerTx.shift();
      return info && { ...info, payload: sealed(info.payload, info.txId) };
    }
  })(
    {} as Gateway,
    network,
    contract,
    {
      ...testConfig('hospital1').fabric,
      requestDeadlineSeconds: options.deadlineSeconds ?? 45,
      orderTimeoutSeconds: options.orderTimeoutSeconds ?? 5,
    },
    metrics,
    createLogger('silent'),
    noWait,
  );
  return {
    client,
    created,
    metrics,
    setEvaluate(fn: typeof evaluate) {
      evaluate = fn;
    },
  };
}

const committed = (txId: string, payload: unknown, validationCode = 'VALID'): TransactionInfo => ({
  txId,
  blockNumber: 9,
  validationCode,
  timestamp: '2026-01-01T00:00:00.000Z',
  creatorMsp: 'Hospital1MSP',
  endorsers: [],
  payload: Buffer.from(JSON.stringify(payload)),
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('gateway Fabric ledger client', () => {
  it('submits with the endorsing organisations and answers the result and txId', async () => {
    const h = harness([ok({ created: true })]);
    const answer = await h.client.submit(Tx.ping, {}, { endorsingOrgs: ['Insurer1MSP', 'Hospital1MSP'] });
    expect(answer).to.deep.equal({ result: { created: true }, txId: h.created[0].txId });
    expect(h.created[0].endorsingOrgs).to.deep.equal(['Insurer1MSP', 'Hospital1MSP']);
  });

  it('sends a write in the transient data, with a fresh salt of 32 random bytes each time', async () => {
    const h = harness([ok({}), ok({})]);
    await h.client.submit(Tx.ping, { actor: 'a' });
    await h.client.submit(Tx.ping, { actor: 'a' });
    const [first, second] = h.created.map((t) => t.transient);
    expect(JSON.parse(first.request.toString())).to.deep.equal({ actor: 'a' });
    expect(first.salt).to.have.length(32);
    expect(first.salt.equals(second.salt)).to.equal(false);
  });

  it('answers 504 COMMIT_TIMEOUT with the txId when a write outlives its deadline', async () => {
    const never: Outcome = () => new Promise<Buffer>(() => undefined);
    const h = harness([never], { deadlineSeconds: 1 });
    const started = Date.now();
    const problem = await rejection(h.client.submit(Tx.ping, {}));
    expect(Date.now() - started).to.be.within(900, 2000);
    expect(problem).to.include({ status: 504, code: 'COMMIT_TIMEOUT' });
    expect(problem.extra.txId).to.equal(h.created[0].txId);
  });

  it('keeps re-running conflicts within the deadline and names the latest attempt', async () => {
    const conflictLater: Outcome = async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      throw invalidated('MVCC_READ_CONFLICT');
    };
    const h = harness([conflictLater, conflictLater, conflictLater, conflictLater], { deadlineSeconds: 1 });
    const problem = await rejection(h.client.submit(Tx.ping, {}));
    expect(problem.code).to.equal('COMMIT_TIMEOUT');
    expect(problem.extra.txId).to.equal(h.created.at(-1)?.txId);
    expect(h.created.length).to.be.within(2, 3);
  });

  it('records the endorsement phase, failed when the proposal is refused', async () => {
    const h = harness([fail(endorsementFailure(500, 'chaincode crashed'))]);
    await rejection(h.client.submit(Tx.ping, {}));
    const text = await h.metrics.registry.getSingleMetricAsString('gateway_ledger_duration_seconds');
    expect(text).to.match(/_count\{[^}]*phase="endorse"[^}]*outcome="error"[^}]*\} 1/);
  });

  it('re-runs a read conflict as a new transaction and counts the retry', async () => {
    const h = harness([
      fail(invalidated('MVCC_READ_CONFLICT')),
      fail(invalidated('PHANTOM_READ_CONFLICT')),
      ok(1),
    ]);
    const answer = await h.client.submit(Tx.ping, {});
    expect(answer).to.deep.equal({ result: 1, txId: h.created[2].txId });
    const retries = await h.metrics.registry.getSingleMetricAsString('gateway_ledger_retries_total');
    expect(retries)
      .to.contain('reason="MVCC_READ_CONFLICT"} 1')
      .and.to.contain('reason="PHANTOM_READ_CONFLICT"} 1');
  });

  it('re-runs a transaction whose endorsing peers computed different results', async () => {
    const h = harness([fail(endorsementsDiffer()), ok('second')]);
    const answer = await h.client.submit(Tx.ping, {});
    expect(answer).to.deep.equal({ result: 'second', txId: h.created[1].txId });
    const retries = await h.metrics.registry.getSingleMetricAsString('gateway_ledger_retries_total');
    expect(retries).to.contain('ENDORSEMENTS_DIFFER');
  });

  it('gives up on conflicts after the configured retries with a 503 naming the code', async () => {
    const h = harness(Array(4).fill(fail(invalidated('MVCC_READ_CONFLICT'))));
    const error = await rejection(h.client.submit(Tx.ping, {}));
    expect(error).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
    expect(error.extra).to.deep.include({ validationCode: 'MVCC_READ_CONFLICT', txId: h.created[3].txId });
    expect(h.created).to.have.length(4);
  });

  it('gives up on endorsing peers that keep differing with a 503 saying the record is busy', async () => {
    const h = harness(Array(4).fill(fail(endorsementsDiffer())));
    const error = await rejection(h.client.submit(Tx.ping, {}));
    expect(error).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
    expect(error.message).to.equal('the record is busy; retry the request');
    expect(error.extra).to.deep.equal({ reason: 'ENDORSEMENTS_DIFFER' });
    expect(h.created).to.have.length(4);
  });

  it('answers an invalidated transaction with 502 LEDGER_REJECTED', async () => {
    const error = await rejection(
      harness([fail(invalidated('ENDORSEMENT_POLICY_FAILURE'))]).client.submit(Tx.ping, {}),
    );
    expect(error).to.include({ status: 502, code: 'LEDGER_REJECTED' });
  });

  it("maps the chaincode's coded refusal found in a peer response", async () => {
    const body = JSON.stringify({ code: 'AMOUNT_MISMATCH', message: 'amount must equal 1200' });
    const h = harness([fail(endorsementFailure(500, `transaction returned with failure: ${body}`))]);
    const error = await rejection(h.client.submit(Tx.payoutSettlement, {}));
    expect(error).to.include({ status: 422, code: 'AMOUNT_MISMATCH', message: 'amount must equal 1200' });
  });

  it('answers a peer failure without a code, or an unreachable peer, with a generic 503', async () => {
    const launch = 'could not launch chaincode settlement_1.0:0a1b2c: connection refused';
    const uncoded = await rejection(
      harness([fail(endorsementFailure(500, launch))]).client.submit(Tx.ping, {}),
    );
    expect(uncoded).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
    // The peer's internals (package id, addresses) stay in the log.
    expect(uncoded.message).to.not.match(/launch|0a1b2c|refused/);
    const unreachable = await rejection(
      harness([
        fail(new Error('14 UNAVAILABLE: No connection established to peer0.hospital1.example.com:7051')),
      ]).client.submit(Tx.ping, {}),
    );
    expect(unreachable).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
    // Hosts and ports of the network go to the log only.
    expect(unreachable.message).to.not.match(/peer0|7051|UNAVAILABLE/);
  });

  describe('a broadcast the orderer did not accept', () => {
    for (const message of [
      'Failed to send transaction successfully to the committer. status:SERVICE_UNAVAILABLE',
      'Failed, not able to reconnect to committer orderer1.example.com',
    ]) {
      it(`answers 503 at once, without lookup or resubmission: ${message.slice(0, 40)}`, async () => {
        const h = harness([refusedByOrderer(message)], { ledgerTx: [undefined], resubmit: [ok('again')] });
        const started = Date.now();
        const error = await rejection(h.client.submit(Tx.ping, {}));
        expect(Date.now() - started).to.be.below(200);
        expect(error).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
        expect(error.extra).to.deep.equal({ txId: h.created[0].txId });
        const retries = await h.metrics.registry.getSingleMetricAsString('gateway_ledger_retries_total');
        expect(retries).to.not.contain('COMMIT_UNKNOWN');
      });
    }

    it('answers 503 when the orderers neither accept nor refuse within the order timeout', async () => {
      const stuck: Outcome = async (tx) => {
        await tx.reach('ordering');
        return new Promise<Buffer>(() => undefined);
      };
      const h = harness([stuck], { orderTimeoutSeconds: 1 });
      const started = Date.now();
      const error = await rejection(h.client.submit(Tx.ping, {}));
      expect(Date.now() - started).to.be.within(900, 2000);
      expect(error).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
      expect(error.extra).to.deep.equal({ txId: h.created[0].txId });
    });

    it('settles a broadcast that timed out like any unknown outcome', async () => {
      const h = harness([refusedByOrderer('SYSTEM TIMEOUT')], {
        ledgerTx: [committed('0'.repeat(64), 'landed')],
      });
      expect((await h.client.submit(Tx.ping, {})).result).to.equal('landed');
    });
  });

  describe('writes to one hot record', () => {
    /** An outcome that finishes when the test says so, recording when it started. */
    function gated(log: string[], name: string, result: Outcome = ok(name)) {
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const outcome: Outcome = async (tx) => {
        log.push(`start ${name}`);
        await gate;
        log.push(`end ${name}`);
        return result(tx);
      };
      return { outcome, open };
    }
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it('run one at a time per key, in arrival order; other keys do not wait', async () => {
      const log: string[] = [];
      const [a, b, c] = ['a', 'b', 'c'].map((name) => gated(log, name));
      const h = harness([a.outcome, c.outcome, b.outcome]);
      const first = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] });
      const second = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] });
      const other = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:Q'] });
      await tick();
      expect(log).to.deep.equal(['start a', 'start c']);
      c.open();
      expect((await other).result).to.equal('c');
      a.open();
      b.open();
      expect((await first).result).to.equal('a');
      expect((await second).result).to.equal('b');
      expect(log).to.deep.equal(['start a', 'start c', 'end c', 'end a', 'start b', 'end b']);
    });

    it('let the next write go when one fails', async () => {
      const h = harness([fail(invalidated('ENDORSEMENT_POLICY_FAILURE')), ok('next')]);
      const failed = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] });
      const next = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] });
      expect(await rejection(failed)).to.include({ status: 502 });
      expect((await next).result).to.equal('next');
    });

    it('answer 503 busy when the turn does not come before the deadline', async () => {
      const log: string[] = [];
      const slow = gated(log, 'slow');
      const h = harness([slow.outcome, ok('late')], { deadlineSeconds: 1 });
      // Awaited at once, as a route does: its deadline passes while the test still waits on the waiter.
      const holder = rejection(h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] }));
      const waiter = h.client.submit(Tx.ping, {}, { serialiseOn: ['policy:P'] });
      const error = await rejection(waiter);
      expect(error).to.include({ status: 503, code: 'LEDGER_UNAVAILABLE' });
      expect(error.extra).to.deep.equal({});
      expect(await holder).to.include({ status: 504 });
      slow.open();
      await tick();
      // The waiter gave up its place: it never submitted.
      expect(h.created).to.have.length(1);
    });
  });

  it('names the organisations with a peer on the channel, once each, sorted', () => {
    expect(harness([]).client.peerOrganisations()).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
  });

  it("names the organisations of the channel's configuration, sorted", () => {
    expect(harness([]).client.channelOrganisations()).to.deep.equal(['Insurer1MSP', 'OrdererMSP']);
  });

  describe('an unknown commit outcome', () => {
    it('is settled by qscc when the transaction committed', async () => {
      const h = harness([orderedButUnknown()], {
        ledgerTx: [committed('0'.repeat(64), { created: true })],
      });
      expect(await h.client.submit(Tx.ping, {})).to.deep.equal({
        result: { created: true },
        txId: '0'.repeat(64),
      });
    });

    it('is settled by resubmitting the same transaction when the ledger has not seen it', async () => {
      const h = harness([orderedButUnknown()], { resubmit: [ok('again')], ledgerTx: [undefined] });
      expect(await h.client.submit(Tx.ping, {})).to.deep.equal({ result: 'again', txId: '0'.repeat(64) });
      expect(h.created).to.have.length(1);
    });

    it('takes a duplicate txId on resubmission to mean done, and reads the result from qscc', async () => {
      const h = harness([orderedButUnknown()], {
        resubmit: [fail(invalidated('DUPLICATE_TXID'))],
        ledgerTx: [undefined, committed('0'.repeat(64), 'first')],
      });
      expect((await h.client.submit(Tx.ping, {})).result).to.equal('first');
    });

    it('reports an invalidated commit found by qscc', async () => {
      const h = harness([orderedButUnknown()], {
        ledgerTx: [committed('0'.repeat(64), null, 'MVCC_READ_CONFLICT')],
      });
      expect(await rejection(h.client.submit(Tx.ping, {}))).to.include({ status: 503 });
    });

    it('answers 504 COMMIT_TIMEOUT with the txId when it still cannot tell', async () => {
      const h = harness([orderedButUnknown()], {
        resubmit: [fail(new TimeoutError('again'))],
        ledgerTx: [],
      });
      const error = await rejection(h.client.submit(Tx.ping, {}));
      expect(error).to.include({ status: 504, code: 'COMMIT_TIMEOUT' });
      expect(error.extra).to.deep.equal({ txId: '0'.repeat(64) });
    });
  });

  it('evaluates, mapping coded errors, uncoded peer errors and unreachable peers', async () => {
    const h = harness([]);
    h.setEvaluate(async (name, arg) => Buffer.from(JSON.stringify({ name, arg: JSON.parse(arg) })));
    expect(await h.client.evaluate(Tx.getProduct, { productId: 'P' })).to.deep.equal({
      name: Tx.getProduct,
      arg: { productId: 'P' },
    });
    h.setEvaluate(async () => {
      throw Object.assign(new Error('x'), {
        status: 500,
        message: '{"code":"NOT_FOUND","message":"no product P"}',
      });
    });
    expect(await rejection(h.client.evaluate(Tx.getProduct, {}))).to.include({
      status: 404,
      code: 'NOT_FOUND',
    });
    h.setEvaluate(async () => {
      throw Object.assign(new Error('error making request'), { status: 500 });
    });
    expect(await rejection(h.client.evaluate(Tx.getProduct, {}))).to.include({
      status: 503,
      message: 'the chaincode could not be run; retry the request',
    });
    h.setEvaluate(async () => {
      throw new Error('Query failed. Errors: ["14 UNAVAILABLE"]');
    });
    expect(await rejection(h.client.evaluate(Tx.getProduct, {}))).to.include({ status: 503 });
  });

  it('reads the block height from qscc', async () => {
    expect(await harness([]).client.blockHeight()).to.equal(42);
  });
});
