/**
 * The verifier's certificate checks, with no platform X.509 code: certificates made by openssl (P-256 and P-384,
 * SHA-256 and SHA-384, a root, an intermediate and a leaf) chain or fail to chain exactly as they should.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MspDefinition } from '../../../evidence/src/blocks';
import { identityProblem, signatureValid } from '../../../evidence/src/identities';

describe('Evidence verifier: identities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'identities-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const pem = (name: string) => readFileSync(file(`${name}.pem`), 'utf8');
  const CA = 'basicConstraints=critical,CA:TRUE';

  /** A key on `curve` and a certificate for it named `subject`: self-signed, or issued by `issuer` with `digest`. */
  function certificate(
    name: string,
    curve: string,
    issuer?: string,
    digest = 'sha256',
    subject = name,
  ): void {
    openssl('ecparam', '-name', curve, '-genkey', '-noout', '-out', `${name}.key`);
    const key = ['-key', `${name}.key`, '-subj', `/CN=${subject}`];
    if (!issuer) {
      openssl('req', '-x509', '-new', ...key, '-days', '30', '-sha256', '-addext', CA, '-out', `${name}.pem`);
      return;
    }
    writeFileSync(file('ext.cnf'), `${CA}\n`);
    openssl('req', '-new', ...key, '-out', `${name}.csr`);
    openssl(
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`],
      ...['-set_serial', '1', '-days', '30', `-${digest}`, '-extfile', 'ext.cnf', '-out', `${name}.pem`],
    );
  }

  const org = (roots: string[], intermediates: string[] = []): MspDefinition[] => [
    {
      mspId: 'Org1MSP',
      rootCerts: roots.map(pem),
      intermediateCerts: intermediates.map(pem),
      role: 'application',
    },
  ];
  const identity = (name: string) => ({ mspId: 'Org1MSP', certificate: pem(name) });

  before(() => {
    certificate('root', 'prime256v1');
    certificate('intermediate', 'secp384r1', 'root');
    certificate('leaf', 'prime256v1', 'intermediate', 'sha384');
    certificate('other', 'prime256v1');
    // Named as the root, with another key: only the signature tells them apart.
    certificate('impostor', 'prime256v1', undefined, 'sha256', 'root');
    openssl(
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-subj', '/CN=rsa'],
      ...['-days', '1', '-out', 'rsa.pem'],
    );
  });

  it('accepts a certificate chaining through an intermediate to a root, on either curve and hash', async () => {
    expect(await identityProblem(identity('leaf'), org(['root'], ['intermediate']))).to.equal(undefined);
    expect(await identityProblem(identity('intermediate'), org(['root']))).to.equal(undefined);
    expect(await identityProblem(identity('root'), org(['root']))).to.equal(undefined);
  });

  it('refuses a missing link, another root, a root name on another key, another organisation, an unread key', async () => {
    const notIssued = 'the certificate of an identity of Org1MSP is not issued by its roots';
    expect(await identityProblem(identity('leaf'), org(['root']))).to.equal(notIssued);
    expect(await identityProblem(identity('leaf'), org(['other'], ['intermediate']))).to.equal(notIssued);
    expect(await identityProblem(identity('leaf'), org(['impostor'], ['intermediate']))).to.equal(notIssued);
    expect(await identityProblem({ ...identity('leaf'), mspId: 'Org2MSP' }, org(['root']))).to.equal(
      "Org2MSP is not an organisation of the channel's configuration",
    );
    expect(await identityProblem(identity('rsa'), org(['rsa']))).to.equal(
      "the certificate of Org1MSP's identity cannot be read: its key is not ECDSA on P-256 or P-384",
    );
  });

  it('refuses a certificate used outside its validity', async () => {
    const chain = org(['root'], ['intermediate']);
    expect(await identityProblem(identity('leaf'), chain, new Date().toISOString())).to.equal(undefined);
    expect(await identityProblem(identity('leaf'), chain, '2000-01-01T00:00:00.000Z')).to.equal(
      'the certificate of an identity of Org1MSP was not valid at 2000-01-01T00:00:00.000Z',
    );
  });

  /** DER of SEQUENCE { INTEGER r, INTEGER s } from their values: minimal, positive. */
  const der = (r: bigint, s: bigint): Buffer => {
    const integer = (n: bigint) => {
      let bytes = Buffer.from(n.toString(16).padStart(2 * Math.ceil(n.toString(16).length / 2), '0'), 'hex');
      if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
      return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
    };
    const body = Buffer.concat([integer(r), integer(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  };
  const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

  it("checks an ECDSA signature over SHA-256 by the certificate's key, low-S and canonical as Fabric's", async () => {
    const data = Buffer.from('a settlement');
    const raw = sign('sha256', data, {
      key: createPrivateKey(readFileSync(file('leaf.key'))),
      dsaEncoding: 'ieee-p1363',
    });
    const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
    const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
    // Both (r, s) and (r, n − s) are valid ECDSA signatures; Fabric accepts only the one with the lower s.
    const [low, high] = s <= P256_ORDER >> 1n ? [s, P256_ORDER - s] : [P256_ORDER - s, s];
    const signature = der(r, low);
    expect(await signatureValid(identity('leaf'), data, signature)).to.equal(true);
    expect(await signatureValid(identity('leaf'), data, der(r, high)), 'high S').to.equal(false);
    expect(await signatureValid(identity('leaf'), Buffer.from('another settlement'), signature)).to.equal(
      false,
    );
    expect(await signatureValid(identity('other'), data, signature)).to.equal(false);
    expect(await signatureValid(identity('leaf'), data, signature.subarray(1))).to.equal(false);
    expect(
      await signatureValid(identity('leaf'), data, Buffer.concat([signature, Buffer.from([0])])),
      'trailing',
    ).to.equal(false);
  });
});
