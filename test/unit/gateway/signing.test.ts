import { execFileSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Wallets, type X509Identity } from 'fabric-network';
import { signNatively } from '../../../gateway/src/signing';

/** A self-signed certificate and its key on `curve`, as the network's setup writes them into wallets. */
function identity(curve: string): X509Identity {
  const dir = mkdtempSync(join(tmpdir(), 'signing-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        `ec_paramgen_curve:${curve}`,
        '-nodes',
        '-subj',
        '/CN=client',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return {
      type: 'X.509',
      mspId: 'Hospital1MSP',
      credentials: { certificate: readFileSync(cert, 'utf8'), privateKey: readFileSync(key, 'utf8') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function signingUser(id: X509Identity) {
  const wallet = await Wallets.newInMemoryWallet();
  signNatively(wallet);
  const provider = wallet.getProviderRegistry().getProvider('X.509');
  return { provider, user: await provider.getUserContext(id, 'client') };
}

const MESSAGES = Array.from({ length: 64 }, (_, i) => Buffer.from(`proposal ${i}`));

describe('gateway native signing', () => {
  it("signs so that fabric-common's verifier, which refuses high-S signatures, accepts each", async () => {
    const id = identity('P-256');
    const { provider, user } = await signingUser(id);
    const suite = provider.getCryptoSuite();
    const key = suite.createKeyFromRaw(id.credentials.privateKey);
    const signer = user.getSigningIdentity();
    expect(signer.sign).to.not.equal(Object.getPrototypeOf(signer).sign);
    // The User takes its signing identity as its identity too.
    expect(user.getIdentity().serialize().toString()).to.include(id.credentials.certificate.trim());
    for (const message of MESSAGES) {
      const signature = signer.sign(message, undefined);
      // Half of raw ECDSA signatures have a high S: without the normalisation about 32 of these would fail.
      expect(suite.verify(key, signature, message), message.toString()).to.equal(true);
      expect(verify('sha256', message, id.credentials.certificate, signature)).to.equal(true);
    }
  });

  it('keeps the SDK signer for a key on another curve', async () => {
    const id = identity('P-384');
    const { user } = await signingUser(id);
    const signer = user.getSigningIdentity();
    expect(signer.sign).to.equal(Object.getPrototypeOf(signer).sign);
  });

  it("leaves a caller's own hash function to the SDK's signer", async () => {
    const { user } = await signingUser(identity('P-256'));
    const hashed: Buffer[] = [];
    const hashFunction = (message: Buffer) => {
      hashed.push(message);
      return '00'.repeat(32);
    };
    user.getSigningIdentity().sign(MESSAGES[0], { hashFunction });
    expect(hashed).to.deep.equal([MESSAGES[0]]);
  });
});
