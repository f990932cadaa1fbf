import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyToken } from '../../../gateway/src/auth';
import {
  ensureDevKeys,
  envFile,
  keyFiles,
  pseudonymKeyFile,
  readDevEnvironment,
  setUpDevGateways,
} from '../../../gateway/src/cli/dev-keys';
import { mintToken } from '../../../gateway/src/cli/token';
import { devTokenClaims } from '../../../gateway/src/orgs';
import { orgOf, testConfig } from './harness';

describe('gateway development tooling', () => {
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'keys');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('generates private keys, public keys and the pseudonymisation key once, readable by the owner only', () => {
    expect(ensureDevKeys(dir)).to.have.length(11);
    const files = keyFiles(dir, orgOf('insurer1'));
    const pem = readFileSync(files.privateKey, 'utf8');
    expect(statSync(files.privateKey).mode & 0o077).to.equal(0);
    expect(readFileSync(pseudonymKeyFile(dir), 'utf8').trim()).to.match(/^[0-9a-f]{64}$/);
    expect(ensureDevKeys(dir)).to.deep.equal([]);
    expect(readFileSync(files.privateKey, 'utf8')).to.equal(pem);
    expect(existsSync(keyFiles(dir, orgOf('regulator')).publicKey)).to.equal(true);
  });

  it('writes one environment file per gateway naming its port, keys and Fabric identity', () => {
    const runDir = join(dir, '..', 'run');
    setUpDevGateways(runDir);
    // scripts/start.sh sources the file, so it must be plain KEY=value lines.
    expect(readFileSync(envFile(runDir, 'insurer2'), 'utf8')).to.match(/^([A-Z_]+=[^\n]*\n)+$/);
    const env = readDevEnvironment(runDir, 'insurer2');
    expect(env).to.include({ GATEWAY_ORG: 'insurer2', GATEWAY_PORT: '8084', JWT_ISSUER: 'dev-idp.insurer2' });
    expect(env.FABRIC_WALLET).to.equal(join(runDir, 'orgs', 'insurer2', 'wallet'));
    expect(existsSync(env.JWT_PUBLIC_KEY_FILE)).to.equal(true);
  });

  it('mints tokens that the gateway of that organisation accepts', () => {
    const org = orgOf('insurer1');
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
    expect(verifyToken(token, config)).to.deep.include({ org: 'Insurer1MSP', role: 'adjuster', sub: 'ann' });
    expect(() => verifyToken(token, testConfig('insurer2', { jwt: config.jwt }))).to.throw(
      /not for Insurer2MSP/,
    );
  });
});
