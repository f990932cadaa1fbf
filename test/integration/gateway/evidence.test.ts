/**
 * Evidence packages against the real network: a settlement through submission, dispute and payout, its package
 * verified by the offline verifier in a process with no network, refused to those who may not read the settlement,
 * failing with a precise message for each kind of tampering, and decoded as Fabric's configtxlator decodes it.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as protos from 'fabric-protos';
import {
  dataHash,
  decodeBlock,
  decodeHeader,
  hex,
  verifyPackage,
  type EvidencePackage,
} from '@settlement/evidence';
import { GATEWAY_COSTS as costs, invoiceNumberFor } from '../support/fixtures';
import { eventually } from '../support/nodes';
import { call, ensureGateways, stopStartedGateways } from './harness';
import { cover, expectStatus, id, patient, publishProduct } from './run-fixtures';

const ROOT = resolve(__dirname, '../../..');
const CONFIGTXLATOR = join(ROOT, 'network/build/bin/configtxlator');
const { common, protos: peer } = protos;

type Message = Record<string, unknown>;
/** Decodes `bytes` as `type`, lets `change` alter the message, and encodes it again. */
function edit(type: { decode(b: Uint8Array): unknown; encode(m: unknown): { finish(): Uint8Array } }) {
  return (bytes: Uint8Array, change: (message: Message) => void): Buffer => {
    const message = type.decode(bytes) as Message;
    change(message);
    return Buffer.from(type.encode(message).finish());
  };
}
const flipLast = (bytes: Uint8Array): Buffer => {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1] ^= 0x01;
  return copy;
};

/**
 * The package with transaction `t`'s block changed by `change`, which gets the decoded block and the
 * transaction's position in it (the block re-encoded).
 */
function withBlockOf(
  pkg: EvidencePackage,
  t: number,
  change: (block: { data: { data: Buffer[] }; metadata: { metadata: Buffer[] } }, index: number) => void,
): EvidencePackage {
  const { txId, blockNumber } = pkg.transactions[t];
  const block = Buffer.from(pkg.blocks[blockNumber], 'base64');
  const changed = edit(common.Block)(block, (b) => {
    const decoded = b as unknown as Parameters<typeof change>[0];
    change(
      decoded,
      decoded.data.data.findIndex((e) => Buffer.from(e).includes(Buffer.from(txId))),
    );
  });
  return { ...pkg, blocks: { ...pkg.blocks, [blockNumber]: changed.toString('base64') } };
}

/** The package with transaction `t`'s envelope changed by `change`. */
const withEnvelope = (pkg: EvidencePackage, t: number, change: (envelope: Buffer) => Buffer) =>
  withBlockOf(pkg, t, ({ data }, index) => {
    data.data[index] = change(data.data[index]);
  });

/** An envelope whose endorser transaction's one action payload is changed by `change`. */
const inAction = (change: (action: Message) => void) => (envelope: Buffer) =>
  edit(common.Envelope)(envelope, (env) => {
    env.payload = edit(common.Payload)(env.payload as Buffer, (payload) => {
      payload.data = edit(peer.Transaction)(payload.data as Buffer, (tx) => {
        const [action] = tx.actions as Message[];
        action.payload = edit(peer.ChaincodeActionPayload)(action.payload as Buffer, (p) =>
          change(p.action as Message),
        );
      });
    });
  });

describe('evidence packages', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
  const path = (name: string, step = '') => `/v1/settlements/Hospital1MSP/${id(name)}${step}`;
  const evidencePath = (name: string) => `/v1/audit/evidence/Hospital1MSP/${id(name)}`;
  let pkg: EvidencePackage;
  let other: EvidencePackage;

  before(async () => {
    await ensureGateways();
    const productId = id('EVIDENCE');
    await publishProduct(productId);
    // Series 4 of the run's identity numbers: this suite's one patient.
    await cover(patient(1, 4), productId, id('EPOL-1'));
    const settlement = (name: string) => ({
      settlementId: id(name),
      patient: patient(1, 4),
      policyRef: id('EPOL-1'),
      invoiceNumber: invoiceNumberFor(id(name)),
      admissionDate: '2026-08-01',
      dischargeDate: '2026-08-03',
      mode: 'PARALLEL',
      costs,
    });
    const recorded = await call('hospital1', 'POST', '/v1/settlements', settlement('EV-1'));
    expectStatus(recorded, 201);
    expectStatus(await call('hospital1', 'POST', '/v1/settlements', settlement('EV-2')), 201);
    expectStatus(await call('insurer1', 'POST', path('EV-1', '/dispute'), { reason: 'stay too long' }), 201);
    const answer = { reason: 'discharge summary attached', evidenceHash: 'b'.repeat(64) };
    expectStatus(await call('hospital1', 'POST', path('EV-1', '/dispute/answer'), answer), 201);
    expectStatus(await call('insurer1', 'POST', path('EV-1', '/dispute/withdraw'), { reason: 'fine' }), 201);
    const payout = {
      amount: recorded.body.split.commercialShare,
      paidAt: '2026-08-10',
      paymentReference: id('PAY-EV-1'),
    };
    expectStatus(await call('insurer1', 'POST', path('EV-1', '/payout'), payout), 201);
    await eventually("hospital1's peer to hold the payout", async () => {
      return (await call('hospital1', 'GET', path('EV-1'))).body.status === 'PAID';
    });
    const fetched = await call('hospital1', 'GET', evidencePath('EV-1'));
    expectStatus(fetched, 200);
    pkg = fetched.body;
    other = (await call('hospital1', 'GET', evidencePath('EV-2'))).body;
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stopStartedGateways();
  });

  it('holds the five transactions of the settlement and is verified by the verifier with no network', () => {
    expect(pkg.transactions).to.have.length(5);
    const file = join(dir, 'package.json');
    writeFileSync(file, JSON.stringify(pkg));
    // A new network namespace has no interface but a loopback that is down: nothing can be reached.
    const run = spawnSync('unshare', ['-n', process.execPath, join(ROOT, 'evidence/dist/cli.js'), file], {
      encoding: 'utf8',
    });
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).to.equal('VERIFIED');
    expect(run.stdout).to.match(/endorsed by Hospital1MSP, Insurer1MSP/);
    expect(run.stdout).to.match(/is PAID/);
    expect(run.stdout).to.match(/the ordering service signed each of blocks 1 to/);
  });

  it('is the settlement parties’ and the regulator’s alone', async () => {
    expectStatus(await call('regulator', 'GET', evidencePath('EV-1')), 200);
    expectStatus(await call('insurer1', 'GET', evidencePath('EV-1')), 200);
    expectStatus(await call('hospital2', 'GET', evidencePath('EV-1')), 404);
    expectStatus(await call('insurer2', 'GET', evidencePath('EV-1')), 404);
  });

  it('fails on each kind of tampering, naming what is wrong', async () => {
    const last = pkg.chain.length - 1;
    const txBlocks = new Set(pkg.transactions.map((t) => t.blockNumber));
    // A block given by its header only, with a header after it.
    const plain = [...Array(last).keys()].reverse().find((n) => n > 0 && !(n in pkg.blocks)) as number;
    const otherTx = other.transactions[0];
    const cases: [string, EvidencePackage, RegExp][] = [
      [
        'a byte of a block header',
        {
          ...pkg,
          chain: pkg.chain.map((link) =>
            link.number === plain
              ? { ...link, header: flipLast(Buffer.from(link.header, 'base64')).toString('base64') }
              : link,
          ),
        },
        new RegExp(`block ${plain + 1}: its previous hash is not the hash of block ${plain}'s header`),
      ],
      [
        'a byte of an envelope',
        withEnvelope(pkg, 1, (envelope) =>
          edit(common.Envelope)(envelope, (env) => {
            // The proposal's time, a nanosecond later: the creator signed it, no endorser did.
            env.payload = edit(common.Payload)(env.payload as Buffer, (payload) => {
              const header = payload.header as Message;
              header.channel_header = edit(common.ChannelHeader)(header.channel_header as Buffer, (ch) => {
                const timestamp = ch.timestamp as { nanos: number };
                timestamp.nanos = (timestamp.nanos + 1) % 1e9;
              });
            });
          }),
        ),
        /creator's signature is invalid/,
      ],
      [
        'a byte of an endorsement signature',
        withEnvelope(
          pkg,
          2,
          inAction((action) => {
            const [first] = action.endorsements as Message[];
            first.signature = flipLast(first.signature as Buffer);
          }),
        ),
        /the endorsement signature of (Hospital1MSP|Insurer1MSP) is invalid/,
      ],
      [
        'a byte of a certificate',
        withEnvelope(
          pkg,
          2,
          inAction((action) => {
            const [first] = action.endorsements as Message[];
            first.endorser = edit(protos.msp.SerializedIdentity)(first.endorser as Buffer, (identity) => {
              const pem = Buffer.from(identity.id_bytes as Buffer).toString('utf8');
              // A character of the certificate's signature, near its end.
              const at = pem.lastIndexOf('-----END') - 10;
              const swapped = pem[at] === 'A' ? 'B' : 'A';
              identity.id_bytes = Buffer.from(pem.slice(0, at) + swapped + pem.slice(at + 1));
            });
          }),
        ),
        /certificate of an identity of (Hospital1MSP|Insurer1MSP) (is not issued by its roots|cannot be read)/,
      ],
      [
        'a byte of a private value',
        {
          ...pkg,
          transactions: pkg.transactions.map((t, n) =>
            n === 3 ? { ...t, details: { ...t.details, stored: t.details.stored.replace(/.$/, ' ') } } : t,
          ),
        },
        /the private details in the package do not match the hash in its block/,
      ],
      [
        "another settlement's transaction swapped in",
        {
          ...pkg,
          transactions: pkg.transactions.map((t, n) => (n === 1 ? otherTx : t)),
          blocks: { ...pkg.blocks, [otherTx.blockNumber]: other.blocks[otherTx.blockNumber] },
        },
        new RegExp(`transaction ${otherTx.txId} does not write settlement ${id('EV-1')}`),
      ],
      [
        "an endorsement of the insurer's taken away",
        withEnvelope(
          pkg,
          4,
          inAction((action) => {
            action.endorsements = (action.endorsements as Message[]).filter(
              (e) => !Buffer.from(e.endorser as Buffer).includes(Buffer.from('Insurer1MSP')),
            );
          }),
        ),
        /it is endorsed by Hospital1MSP; the settlement needs Insurer1MSP too/,
      ],
      [
        'a transaction marked invalid presented as valid',
        withBlockOf(pkg, 2, ({ metadata }, index) => {
          // TRANSACTIONS_FILTER: the committing peer's verdict on each transaction of the block.
          metadata.metadata[2] = Buffer.from(metadata.metadata[2]);
          metadata.metadata[2][index] = 11;
        }),
        /is marked invalid \(code 11\)/,
      ],
      [
        'a truncated chain',
        { ...pkg, chain: pkg.chain.slice(0, Math.max(...txBlocks)) },
        /is beyond the chain's last header .* \(truncated chain\)/,
      ],
    ];
    for (const [what, tampered, message] of cases) {
      const verdict = await verifyPackage(tampered);
      expect(verdict.ok, what).to.equal(false);
      expect(verdict.failure?.message, what).to.match(message);
    }
    expect((await verifyPackage(pkg)).ok).to.equal(true);
  });

  it("decodes every block's header and data hash as configtxlator does", () => {
    const decode = (type: string, bytes: Buffer) => {
      const [input, output] = [join(dir, 'block.pb'), join(dir, 'block.json')];
      writeFileSync(input, bytes);
      execFileSync(CONFIGTXLATOR, ['proto_decode', '--type', type, '--input', input, '--output', output]);
      return JSON.parse(readFileSync(output, 'utf8'));
    };
    const hash = (base64: string | null | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');
    for (const link of pkg.chain) {
      const ours = decodeHeader(Buffer.from(link.header, 'base64'));
      const theirs = decode('common.BlockHeader', Buffer.from(link.header, 'base64'));
      expect(Number(theirs.number ?? 0)).to.equal(ours.number);
      expect(hash(theirs.previous_hash)).to.equal(hex(ours.previousHash));
      expect(hash(theirs.data_hash)).to.equal(hex(ours.dataHash));
    }
    for (const base64 of Object.values(pkg.blocks)) {
      const theirs = decode('common.Block', Buffer.from(base64, 'base64'));
      expect(hash(theirs.header.data_hash)).to.equal(
        hex(dataHash(decodeBlock(Buffer.from(base64, 'base64')))),
      );
    }
  });
});
