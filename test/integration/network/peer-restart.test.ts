/**
 * A peer that dies (SIGKILL, as in a crash) and is restarted by network/up.sh catches up with the blocks it
 * missed and then answers queries exactly as the peers that stayed up.
 */
import { expect } from 'chai';
import { Product, Tx } from '../../../chaincode/src/api';
import { findOrg, readTopology } from '../../../network/profiles/topology';
import { OrgConnections, connect, evaluate, submit } from '../support/fabric';
import { ACTOR, uniqueId } from '../support/fixtures';
import { eventually, isAlive, networkStatus, networkUp, peerHeight, pidOf } from '../support/nodes';

describe('network: a peer killed and restarted', function () {
  this.timeout(240_000);
  // Its writes happen while a peer is down: waiting for every peer's commit would wait for that one too.
  const orgs = new OrgConnections({ awaitCommit: 'organisation' });
  const topology = readTopology();
  const stopped = findOrg(topology, 'hospital2');
  const witness = findOrg(topology, 'insurer2');
  after(async () => {
    await orgs.close();
    // Leave the network whole for the other tests even if this one failed half-way.
    await networkUp();
  });

  it('reports the crash, catches up after restart and serves the same state', async () => {
    const pid = pidOf(stopped.peer.process);
    process.kill(pid, 'SIGKILL');
    await eventually('the peer to die', async () => !isAlive(pid));

    const status = await networkStatus();
    expect(status.healthy).to.equal(false);
    expect(status.report).to.match(new RegExp(`^${stopped.peer.process}\\s+crashed`, 'm'));

    // Blocks the stopped peer misses: three products published (new keys, so any two organisations endorse).
    const insurer = await orgs.contract(witness.id);
    const productId = uniqueId('product');
    for (const suffix of ['', '-b', '-c']) {
      await submit(insurer, Tx.publishProduct, {
        actor: ACTOR,
        productId: `${productId}${suffix}`,
        name: 'Published while a peer was down',
        annualCap: 300_000,
        benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000 }],
      });
    }
    const target = await peerHeight(witness);

    await networkUp();
    expect((await networkStatus()).healthy).to.equal(true);
    await eventually(
      'the restarted peer to catch up',
      async () => (await peerHeight(stopped)) >= target,
      60_000,
    );
    expect(await peerHeight(stopped)).to.equal(await peerHeight(witness));

    const ownPeer = await connect(stopped.id, { onlyPeerOf: stopped.id });
    try {
      const seenThere = await evaluate<Product>(ownPeer.contract, Tx.getProduct, { productId });
      const seenHere = await evaluate<Product>(insurer, Tx.getProduct, { productId });
      expect(seenThere).to.deep.equal(seenHere);
      expect(seenThere.recordedBy.mspId).to.equal(witness.mspId);
    } finally {
      ownPeer.gateway.disconnect();
    }
  });
});
