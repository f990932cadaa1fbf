/**
 * Checks an evidence package with nothing but the package: the configuration blocks say which roots each
 * organisation's certificates chain to, the transactions' signatures and write sets say who recorded what, and
 * the headers chain every block to the genesis block under the ordering service's signatures. Each check is
 * reported; the first failure is the verdict.
 */
import {
  dataHash,
  decodeBlock,
  decodeConfig,
  decodeHeader,
  decodeSignatures,
  decodeTransaction,
  envelopeId,
  headerHash,
  isConfigBlock,
  validationCodes,
  type Block,
  type BlockHeader,
  type EndorsedTransaction,
  type MspDefinition,
} from './blocks';
import { fromBase64, fromUtf8, hex, sameBytes, sha256, utf8 } from './bytes';
import { EVIDENCE_FORMAT, EVIDENCE_VERSION, type EvidencePackage, type EvidenceTransaction } from './format';
import { identityProblem, signatureValid } from './identities';

export interface Check {
  ok: boolean;
  /** What was checked, and on failure why it failed. */
  message: string;
}

export interface Verdict {
  ok: boolean;
  checks: Check[];
  /** The first failed check, when there is one. */
  failure?: Check;
}

const sameHeader = (a: BlockHeader, b: BlockHeader): boolean =>
  a.number === b.number && sameBytes(a.previousHash, b.previousHash) && sameBytes(a.dataHash, b.dataHash);

class Checks {
  readonly list: Check[] = [];
  pass(message: string): void {
    this.list.push({ ok: true, message });
  }
  fail(message: string): void {
    this.list.push({ ok: false, message });
  }
  /** Passes with `message` unless `problem` names what is wrong. */
  expect(problem: string | undefined, message: string): boolean {
    if (problem === undefined) this.pass(message);
    else this.fail(problem);
    return problem === undefined;
  }
}

/** Decoding throws on bytes that are not the structure; the check then fails with `what` and the reason. */
function attempt<T>(checks: Checks, what: string, decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    checks.fail(`${what} cannot be decoded: ${(error as Error).message}`);
    return undefined;
  }
}

interface Chain {
  headers: BlockHeader[];
  blocks: Map<number, Block>;
  /** Configuration blocks by number, ascending, with the organisations each defines. */
  configs: [number, MspDefinition[]][];
}

/** The configuration in force for block `number`: the last configuration block before it (itself for block 0). */
function configFor(chain: Chain, number: number): MspDefinition[] {
  let found: MspDefinition[] = [];
  for (const [at, msps] of chain.configs) if (at < number || at === 0) found = msps;
  return found;
}

function readChain(checks: Checks, pkg: EvidencePackage): Chain | undefined {
  const headers: BlockHeader[] = [];
  for (const [index, link] of pkg.chain.entries()) {
    const header = attempt(checks, `the header of block ${link.number}`, () =>
      decodeHeader(fromBase64(link.header)),
    );
    if (!header) return undefined;
    if (header.number !== index) {
      checks.fail(
        `the chain's header ${index} is numbered ${header.number}: the chain must run from block 0 on`,
      );
      return undefined;
    }
    headers.push(header);
  }
  if (headers.length === 0) {
    checks.fail('the package has no block headers');
    return undefined;
  }
  const blocks = new Map<number, Block>();
  for (const [number, base64] of Object.entries(pkg.blocks)) {
    const block = attempt(checks, `block ${number}`, () => decodeBlock(fromBase64(base64)));
    if (!block) return undefined;
    blocks.set(Number(number), block);
  }
  const configNumbers = new Set([0]);
  for (const [number, block] of blocks) if (isConfigBlock(block)) configNumbers.add(number);
  const configs: [number, MspDefinition[]][] = [];
  for (const number of [...configNumbers].sort((a, b) => a - b)) {
    const block = blocks.get(number);
    if (!block) {
      checks.fail(`configuration block ${number} is not in the package`);
      return undefined;
    }
    const msps = attempt(checks, `configuration block ${number}`, () => decodeConfig(block));
    if (!msps) return undefined;
    checks.pass(`configuration block ${number} defines ${msps.map((m) => m.mspId).join(', ')}`);
    configs.push([number, msps]);
  }
  return { headers, blocks, configs };
}

/** Every block given whole is the block its header describes: same header, data hash over its envelopes. */
function checkBlocks(checks: Checks, pkg: EvidencePackage, chain: Chain): void {
  for (const [number, block] of [...chain.blocks].sort(([a], [b]) => a - b)) {
    const header = chain.headers[number];
    if (!header) {
      checks.fail(
        `block ${number} is beyond the chain's last header ${chain.headers.length - 1} (truncated chain)`,
      );
      continue;
    }
    if (!sameHeader(block.header, header))
      checks.fail(`block ${number} differs from the chain's header ${number}`);
    else if (!sameBytes(dataHash(block), header.dataHash))
      checks.fail(`block ${number}: its data hash does not match its transactions`);
    else if (
      number > 0 &&
      !sameBytes(block.metadata[0] ?? new Uint8Array(), fromBase64(pkg.chain[number].signatures))
    )
      checks.fail(`block ${number}: its signatures differ from those given with its header`);
    else
      checks.pass(
        `block ${number}: the data hash in its header matches its ${block.data.length} transaction(s)`,
      );
  }
}

/** Each header names the hash of the one before it, from the genesis block to the last. */
function checkLinks(checks: Checks, chain: Chain): void {
  const { headers } = chain;
  for (let n = 1; n < headers.length; n++) {
    if (!sameBytes(headers[n].previousHash, headerHash(headers[n - 1]))) {
      checks.fail(`block ${n}: its previous hash is not the hash of block ${n - 1}'s header`);
      return;
    }
  }
  checks.pass(
    `the headers chain from the genesis block (${hex(headerHash(headers[0]))}) to block ${headers.length - 1}`,
  );
}

/** Every block after the genesis block carries a valid signature of an orderer organisation of its configuration. */
async function checkOrdererSignatures(checks: Checks, pkg: EvidencePackage, chain: Chain): Promise<void> {
  for (let n = 1; n < chain.headers.length; n++) {
    const metadata = attempt(checks, `block ${n}'s signatures`, () =>
      decodeSignatures(fromBase64(pkg.chain[n].signatures), chain.headers[n]),
    );
    if (!metadata) return;
    const config = chain.configs.find(([at]) => at === metadata.lastConfig)?.[1];
    if (!config) {
      checks.fail(`block ${n} names configuration block ${metadata.lastConfig}, which is not in the package`);
      return;
    }
    const orderers = config.filter((m) => m.role === 'orderer');
    const problems = await Promise.all(
      metadata.signatures.map(
        async (s) =>
          (await identityProblem(s.signer, orderers)) ??
          ((await signatureValid(s.signer, s.signedBytes, s.signature))
            ? undefined
            : `${s.signer.mspId}'s signature is invalid`),
      ),
    );
    if (!problems.includes(undefined)) {
      checks.fail(`block ${n}: no valid ordering-service signature (${problems.join('; ') || 'none given'})`);
      return;
    }
  }
  checks.pass(`the ordering service signed each of blocks 1 to ${chain.headers.length - 1}`);
}

interface Found {
  tx: EndorsedTransaction;
  index: number;
  code: number;
}

function findTransaction(
  checks: Checks,
  chain: Chain,
  { txId, blockNumber }: EvidenceTransaction,
): Found | undefined {
  const block = chain.blocks.get(blockNumber);
  if (!block) {
    checks.fail(`transaction ${txId}: its block ${blockNumber} is not in the package`);
    return undefined;
  }
  const index = block.data.findIndex((envelope) => envelopeId(envelope).txId === txId);
  if (index < 0) {
    checks.fail(`transaction ${txId} is not in block ${blockNumber}`);
    return undefined;
  }
  const tx = attempt(checks, `transaction ${txId}`, () => decodeTransaction(block.data[index]));
  return tx && { tx, index, code: validationCodes(block)[index] ?? 255 };
}

const endorsersOf = (tx: EndorsedTransaction): string[] =>
  [...new Set(tx.endorsements.map((e) => e.endorser.mspId))].sort();

/** Why the transaction is not one the settlement's parties made and the channel accepted, if it is not. */
async function signatureProblem(
  pkg: EvidencePackage,
  chain: Chain,
  blockNumber: number,
  found: Found,
): Promise<string | undefined> {
  const { tx, code } = found;
  const msps = configFor(chain, blockNumber).filter((m) => m.role === 'application');
  if (tx.channel !== pkg.channel) return `it is on channel ${tx.channel}`;
  if (tx.txId !== hex(sha256(tx.nonce, tx.creatorBytes)))
    return 'its id is not the hash of its nonce and creator';
  if (code !== 0) return `it is marked invalid (code ${code}) in block ${blockNumber}`;
  // Endorsements first: they sign only the response, so a change elsewhere in the envelope is the creator's alone.
  for (const e of tx.endorsements) {
    const endorser = await identityProblem(e.endorser, msps, tx.timestamp);
    if (endorser !== undefined) return endorser;
    if (!(await signatureValid(e.endorser, e.signedBytes, e.signature)))
      return `the endorsement signature of ${e.endorser.mspId} is invalid`;
  }
  const endorsers = endorsersOf(tx);
  const missing = [pkg.settlement.hospital, pkg.settlement.insurer].filter((org) => !endorsers.includes(org));
  if (missing.length > 0)
    return `it is endorsed by ${endorsers.join(', ')}; the settlement needs ${missing.join(' and ')} too`;
  const creator = await identityProblem(tx.creator, msps, tx.timestamp);
  if (creator !== undefined) return creator;
  if (!(await signatureValid(tx.creator, tx.payload, tx.signature)))
    return "its creator's signature is invalid";
  return undefined;
}

interface Stub {
  hospital: string;
  settlementId: string;
  insurer: string;
  status: string;
  txId: string;
  detailsHash: string;
}

/**
 * The transaction wrote the settlement's record (public stub) and the version of its details the package gives
 * (through their hashes), having read the record as the transaction before it left it.
 */
function checkWrites(
  checks: Checks,
  pkg: EvidencePackage,
  { tx }: Found,
  evidence: EvidenceTransaction,
  previous: { blockNumber: number; index: number } | undefined,
): Stub | undefined {
  const { key, collection, hospital, settlementId, insurer } = pkg.settlement;
  const rwset = tx.rwsets.get(pkg.chaincode);
  const write = rwset?.writes.find((w) => w.key === key && !w.isDelete);
  if (!rwset || !write) {
    checks.fail(`transaction ${tx.txId} does not write settlement ${settlementId} of ${hospital}`);
    return undefined;
  }
  let stub: Stub;
  try {
    stub = JSON.parse(utf8(write.value)) as Stub;
  } catch {
    checks.fail(`transaction ${tx.txId}: the record it wrote is not JSON`);
    return undefined;
  }
  const stored = fromUtf8(evidence.details.stored);
  const privateWrite = rwset.privateWrites
    .get(collection)
    ?.find((w) => sameBytes(w.keyHash, sha256(fromUtf8(evidence.details.key))));
  const read = rwset.reads.find((r) => r.key === key);
  const expectedVersion = previous && { blockNumber: previous.blockNumber, txNumber: previous.index };
  const problem =
    stub.hospital !== hospital || stub.settlementId !== settlementId || stub.insurer !== insurer
      ? `the record it wrote is ${stub.settlementId} of ${stub.hospital} with ${stub.insurer}, not the one the package states`
      : stub.txId !== tx.txId
        ? `the record it wrote names transaction ${stub.txId}`
        : !privateWrite
          ? `it wrote no details under ${collection} with the key the package gives`
          : !sameBytes(privateWrite.valueHash, sha256(stored)) || stub.detailsHash !== hex(sha256(stored))
            ? 'the private details in the package do not match the hash in its block'
            : JSON.stringify(read?.version) !== JSON.stringify(expectedVersion)
              ? `it read the record at ${read?.version ? `block ${read.version.blockNumber}, transaction ${read.version.txNumber}` : 'no version'}, not as the transaction before it in the package left it: one is missing or out of order`
              : undefined;
  checks.expect(
    problem && `transaction ${tx.txId}: ${problem}`,
    `transaction ${tx.txId} wrote the record (${stub.status}) and the details given, whose hash its block holds`,
  );
  return problem === undefined ? stub : undefined;
}

/** Each peer's reported latest block, where the package holds that header, has the same hash. */
function checkPeers(checks: Checks, pkg: EvidencePackage, chain: Chain): void {
  for (const view of pkg.peers) {
    const header = chain.headers[view.height - 1];
    if (!header)
      checks.pass(
        `${view.mspId}'s peer ${view.peer} is at height ${view.height}, beyond the package's chain`,
      );
    else
      checks.expect(
        hex(headerHash(header)) === view.currentBlockHash
          ? undefined
          : `${view.mspId}'s peer ${view.peer} holds another block ${view.height - 1} than the package's chain`,
        `${view.mspId}'s peer ${view.peer} holds the same block ${view.height - 1}`,
      );
  }
}

function checkFormat(checks: Checks, pkg: Partial<EvidencePackage>): pkg is EvidencePackage {
  const ok =
    pkg?.format === EVIDENCE_FORMAT &&
    pkg.version === EVIDENCE_VERSION &&
    Array.isArray(pkg.chain) &&
    Array.isArray(pkg.transactions) &&
    typeof pkg.blocks === 'object' &&
    typeof pkg.settlement?.key === 'string';
  return checks.expect(
    ok ? undefined : `not a ${EVIDENCE_FORMAT} package of version ${EVIDENCE_VERSION}`,
    `a ${EVIDENCE_FORMAT} package, version ${EVIDENCE_VERSION}`,
  );
}

/** Every check over the package, in order; stops at a fault the later checks rest on. */
async function runChecks(checks: Checks, pkg: unknown): Promise<void> {
  if (!checkFormat(checks, pkg as Partial<EvidencePackage>)) return;
  const evidence = pkg as EvidencePackage;
  const chain = readChain(checks, evidence);
  if (!chain) return;
  if (evidence.transactions.length === 0) checks.fail('the package holds no transaction of the settlement');
  let previous: { blockNumber: number; index: number } | undefined;
  let last: Stub | undefined;
  for (const t of evidence.transactions) {
    const found = findTransaction(checks, chain, t);
    if (!found) return;
    const { tx } = found;
    const problem = await signatureProblem(evidence, chain, t.blockNumber, found);
    checks.expect(
      problem && `transaction ${tx.txId}: ${problem}`,
      `transaction ${tx.txId} (block ${t.blockNumber}): valid, signed by ${tx.creator.mspId}, ` +
        `endorsed by ${endorsersOf(tx).join(', ')}`,
    );
    last = checkWrites(checks, evidence, found, t, previous);
    previous = { blockNumber: t.blockNumber, index: found.index };
  }
  checkBlocks(checks, evidence, chain);
  checkLinks(checks, chain);
  await checkOrdererSignatures(checks, evidence, chain);
  checkPeers(checks, evidence, chain);
  if (last)
    checks.pass(`settlement ${last.settlementId} of ${last.hospital} with ${last.insurer} is ${last.status}`);
}

export async function verifyPackage(pkg: unknown): Promise<Verdict> {
  const checks = new Checks();
  try {
    await runChecks(checks, pkg);
  } catch (error) {
    // A field of the wrong shape (a number for a base64 string, a missing list) is a package that does not verify.
    checks.fail(`the package cannot be read: ${(error as Error).message}`);
  }
  const failure = checks.list.find((c) => !c.ok);
  return { ok: failure === undefined, checks: checks.list, failure };
}
