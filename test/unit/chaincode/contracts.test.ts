import { expect } from 'chai';
import { Tx, type TxName, type TxResults } from '../../../chaincode/src/api';
import { PerfContract } from '../../../chaincode/src/contracts/perf';
import { contracts } from '../../../chaincode/src/index';
import { FakeFabric } from './support/fake-fabric';
import { STRANGER, refusedUnchanged, seeded } from './support/fixtures';

const allTx = Object.values(Tx);
const readOnly = new Set<TxName>([
  Tx.getParticipant,
  Tx.listParticipants,
  Tx.getProduct,
  Tx.listProducts,
  Tx.getPolicy,
  Tx.getAuthorisation,
  Tx.getSettlement,
  Tx.settlementHistory,
  Tx.listSettlements,
  Tx.settlementEndorsers,
  Tx.reconciliation,
  Tx.listAlerts,
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
    expect(contracts).to.have.length(6);
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
