/**
 * In NETWORK_HOSTS=netns mode every organisation and orderer is a host of its own (network/lib/hosts.sh): these
 * tests check that the instance the other suites ran on really was one, so that their passing shows nothing
 * relied on loopback or on sharing a host. Skipped, with the reason, on a loopback instance.
 */
import { expect } from 'chai';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { readTopology, RUN_DIR } from '../../network/profiles/topology';

const topology = readTopology(RUN_DIR);

/** The network namespace of a process the network started, by its pid file. */
const namespaceOf = (process: string): string =>
  readlinkSync(`/proc/${readFileSync(join(RUN_DIR, 'pids', `${process}.pid`), 'utf8').trim()}/ns/net`);

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    const answer = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

describe('one host per organisation', function () {
  before(function () {
    if (topology.orgs.some((org) => !org.netns)) {
      console.log('      [hosts] this instance runs on loopback (NETWORK_HOSTS=netns was not available)');
      this.skip();
    }
  });

  it('gives every organisation and orderer its own address, none of them loopback', () => {
    const hosts = [...topology.orgs.map((org) => org.host), ...topology.orderers.map((o) => o.host)];
    expect(new Set(hosts).size).to.equal(hosts.length);
    for (const host of hosts) expect(host).not.to.match(/^127\./);
  });

  it("runs each organisation's peer and chaincode service in its own network namespace", () => {
    const own = readlinkSync('/proc/self/ns/net');
    const peers = topology.orgs.map((org) => namespaceOf(org.peer.process));
    expect(new Set([own, ...peers]).size).to.equal(peers.length + 1);
    for (const org of topology.orgs) {
      expect(namespaceOf(org.chaincode.process)).to.equal(namespaceOf(org.peer.process));
    }
  });

  it('reaches a peer on its host address and not on loopback', async () => {
    const [org] = topology.orgs;
    expect(await accepts(org.host, org.peer.port)).to.equal(true);
    expect(await accepts('127.0.0.1', org.peer.port)).to.equal(false);
  });
});
