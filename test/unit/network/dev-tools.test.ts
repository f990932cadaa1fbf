import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyToken } from '../../../gateway/src/auth';
import {
  devTokenClaims,
  ensureDevKeys,
  envFile,
  GATEWAY_MAIN,
  gatewayLaunch,
  keyFiles,
  pseudonymKeyFile,
  readDevEnvironment,
  setUpDevGateways,
} from '../../../network/profiles/dev-keys';
import { mintToken } from '../../../network/profiles/token';
import type { OrgNode } from '../../../network/profiles/topology';
import { DEV_CONSORTIUM, testConfig, testMembership } from '../gateway/harness';

/** The development consortium as a network's topology names it (what the tooling reads of it), insurer2 on a
 * host of its own (NETWORK_HOSTS=netns), the others on loopback. */
const ORGS = DEV_CONSORTIUM.organisations.map(
  ({ id, mspId, kind, name, ports }) =>
    ({
      id,
      mspId,
      kind,
      name,
      gatewayPort: ports.gateway,
      ...(id === 'insurer2'
        ? { host: '10.213.0.6', netns: 'stl0-insurer2' }
        : { host: '127.0.0.1', netns: '' }),
    }) as OrgNode,
);
const orgNode = (id: string) => ORGS.find((o) => o.id === id) as OrgNode;

describe('development tooling', () => {
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'keys');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('generates private keys, public keys and the pseudonymisation key once, readable by the owner only', () => {
    expect(ensureDevKeys(dir, ORGS)).to.have.length(2 * ORGS.length + 1);
    const files = keyFiles(dir, orgNode('insurer1'));
    const pem = readFileSync(files.privateKey, 'utf8');
    expect(statSync(files.privateKey).mode & 0o077).to.equal(0);
    expect(readFileSync(pseudonymKeyFile(dir), 'utf8').trim()).to.match(/^[0-9a-f]{64}$/);
    expect(ensureDevKeys(dir, ORGS)).to.deep.equal([]);
    expect(readFileSync(files.privateKey, 'utf8')).to.equal(pem);
    expect(existsSync(keyFiles(dir, orgNode('regulator')).publicKey)).to.equal(true);
  });

  it("writes one environment file per organisation of the network's topology, naming its port, keys and identity", () => {
    const runDir = join(dir, '..', 'run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'topology.json'), JSON.stringify({ orgs: ORGS }));
    setUpDevGateways(runDir);
    // scripts/start.sh sources the file, so it must be plain KEY=value lines.
    expect(readFileSync(envFile(runDir, 'insurer2'), 'utf8')).to.match(/^([A-Z_]+=[^\n]*\n)+$/);
    const env = readDevEnvironment(runDir, 'insurer2');
    expect(env).to.include({
      GATEWAY_HOST: '10.213.0.6',
      GATEWAY_PORT: '8084',
      JWT_ISSUER: 'dev-idp.insurer2',
    });
    expect(env.FABRIC_CONNECTION_PROFILE).to.equal(
      join(runDir, 'orgs', 'insurer2', 'connection-profile.json'),
    );
    expect(env.FABRIC_WALLET).to.equal(join(runDir, 'orgs', 'insurer2', 'wallet'));
    expect(existsSync(env.JWT_PUBLIC_KEY_FILE)).to.equal(true);
  });

  it("starts each gateway on its organisation's host, with its environment file", () => {
    const runDir = join(dir, '..', 'run');
    const own = gatewayLaunch(runDir, orgNode('insurer2'), { GATEWAY_PORT: '9999' });
    expect([own.command, ...own.args]).to.deep.equal([
      'ip',
      'netns',
      'exec',
      'stl0-insurer2',
      process.execPath,
      GATEWAY_MAIN,
    ]);
    expect(own.env).to.include({ GATEWAY_HOST: '10.213.0.6', GATEWAY_PORT: '9999' });
    const loopback = gatewayLaunch(runDir, orgNode('insurer1'));
    expect([loopback.command, ...loopback.args]).to.deep.equal([process.execPath, GATEWAY_MAIN]);
    expect(loopback.env).to.include({ GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: '8083' });
  });

  it('mints tokens that the gateway of that organisation accepts', () => {
    const org = orgNode('insurer1');
    const files = keyFiles(dir, org);
    const token = mintToken(readFileSync(files.privateKey, 'utf8'), {
      org,
      role: 'adjuster',
      sub: 'ann',
      ttlSeconds: 60,
    });
    const config = testConfig('insurer1', {
      jwt: {
        ...testConfig('insurer1').jwt,
        publicKey: createPublicKey(readFileSync(files.publicKey, 'utf8')),
        ...devTokenClaims(org),
      },
    });
    const signer = { key: config.jwt.publicKey, issuer: config.jwt.issuer };
    expect(verifyToken(token, signer, config, testMembership('insurer1'))).to.deep.include({
      org: 'Insurer1MSP',
      role: 'adjuster',
      sub: 'ann',
    });
    expect(() => verifyToken(token, signer, config, testMembership('insurer2'))).to.throw(
      /not for Insurer2MSP/,
    );
  });
});
