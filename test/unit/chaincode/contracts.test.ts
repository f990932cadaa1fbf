import { expect } from 'chai';
import { Tx, type TxName, type TxResults } from '../../../chaincode/src/api';
import { PerfContract } from '../../../chaincode/src/contracts/perf';
import { contracts } from '../../../chaincode/src/index';
import { FakeFabric } from './support/fake-fabric';
import { checkProposalTime, clockToleranceMs } from '../../../chaincode/src/context';
import { I1, STRANGER, bootstrapped, product, refused, refusedUnchanged, seeded } from './support/fixtures';

const allTx = Object.values(Tx);
const readOnly = new Set<TxName>([
  Tx.getParticipant,
  Tx.listParticipants,
  Tx.getProduct,
  Tx.listProducts,
  Tx.getPolicy,
  Tx.eligibility,
  Tx.getAuthorisation,
  Tx.getSettlement,
  Tx.previewSettlement,
  Tx.settlementHistory,
  Tx.storedSettlement,
  Tx.settlementEvidence,
  Tx.remittance,
  Tx.statement,
  Tx.statementLines,
  Tx.listSettlements,
  Tx.settlementEndorsers,
  Tx.reconciliation,
  Tx.listAlerts,
  Tx.alertHistory,
]);

// Compile-time: TxResults names exactly the transactions of Tx (tsc fails otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const resultsCoverEveryTx: Same<keyof TxResults, TxName> = true;

describe('Contracts', () => {
  const fabric = new FakeFabric();

  it('declare exactly the transactions named in api.ts', () => {
    expect(resultsCoverEveryTx).to.equal(true);
    const contractNames = [...new Set(allTx.map((tx) => tx.split(':')[0]))];
    const declared = contractNames.flatMap((name) => fabric.declared(name).map((t) => `${name}:${t.name}`));
    expect(declared).to.have.members(allTx);
  });

  it("leave the benchmarks' Perf contract out unless CHAINCODE_PERF=true", () => {
    expect(process.env.CHAINCODE_PERF).to.not.equal('true');
    expect(contracts).to.not.include(PerfContract);
    expect(contracts).to.have.length(7);
  });

  it('mark as evaluate-only exactly the read-only transactions', () => {
    for (const tx of allTx) {
      const [contract, fn] = tx.split(':');
      const tags = fabric.declared(contract).find((t) => t.name === fn)?.tag;
      expect(tags, tx).to.include(readOnly.has(tx) ? 'EVALUATE' : 'SUBMIT');
    }
  });

  it('refuse every transaction to an organisation outside the registry, writing nothing', async () => {
    const ledger = await seeded();
    for (const tx of allTx) {
      await refusedUnchanged(ledger, () => ledger.run(STRANGER, tx, '{}', true), 'FORBIDDEN');
    }
  });
});

describe('proposal time', () => {
  const hour = 3600_000;

  it('refuses a proposal more than the tolerance from the peer clock, either way, writing nothing', async () => {
    for (const offset of [hour, -hour, 24 * hour, -365 * 24 * hour, 301_000]) {
      const fabric = await bootstrapped();
      fabric.peerClockOffsetMs = offset;
      const failure = await refusedUnchanged(
        fabric,
        () => fabric.invoke(I1, Tx.publishProduct, product()),
        'CLOCK_SKEW',
      );
      expect(failure.body.message).to.contain(`${Math.round(-offset / 1000)} s from this peer's clock`);
      await refused(fabric.query(I1, Tx.listProducts, {}), 'CLOCK_SKEW');
    }
  });

  it('accepts a proposal within the tolerance', async () => {
    for (const offset of [0, 299_000, -299_000]) {
      const fabric = await bootstrapped();
      fabric.peerClockOffsetMs = offset;
      expect((await fabric.invoke(I1, Tx.publishProduct, product())).created).to.equal(true);
    }
  });

  it('reads its tolerance from CHAINCODE_CLOCK_TOLERANCE_SECONDS: 300 s unless set, whole seconds up to a day', () => {
    expect(clockToleranceMs(undefined)).to.equal(300_000);
    expect(clockToleranceMs('')).to.equal(300_000);
    expect(clockToleranceMs('60')).to.equal(60_000);
    for (const bad of ['0', '-5', '1.5', 'ten', '86401'])
      expect(() => clockToleranceMs(bad)).to.throw('CHAINCODE_CLOCK_TOLERANCE_SECONDS');
    expect(() => checkProposalTime(1_000_000, 1_000_000 + 60_001, 60_000)).to.throw('-60 s');
    expect(() => checkProposalTime(1_000_000, 1_000_000 + 60_000, 60_000)).not.to.throw();
  });
});
