/**
 * Transaction signatures by Node's own crypto (OpenSSL) instead of fabric-common's pure-JavaScript ECDSA, which
 * took about a third of a busy gateway's CPU (some 2 ms per signature, two signatures per submit) on a machine
 * whose peers need every cycle. Fabric accepts only the low-S form of an ECDSA signature, so S is normalised.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { IdentityProvider, Wallet, X509Identity } from 'fabric-network';

type SdkUser = Awaited<ReturnType<IdentityProvider['getUserContext']>>;
type SdkSigningIdentity = ReturnType<SdkUser['getSigningIdentity']>;

/** P-256 (by OpenSSL's name), the curve of fabric-network's default crypto suite, and its group order n. */
const P256 = 'prime256v1';
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_SIZE = 32;

const X509 = 'X.509';

/** Makes every X.509 identity taken from `wallet` sign with Node's crypto. */
export function signNatively(wallet: Wallet): void {
  const registry = wallet.getProviderRegistry();
  const sdk = registry.getProvider(X509);
  registry.addProvider({
    type: sdk.type,
    getCryptoSuite: () => sdk.getCryptoSuite(),
    fromJson: (data) => sdk.fromJson(data),
    toJson: (identity) => sdk.toJson(identity),
    async getUserContext(identity, name) {
      const user = await sdk.getUserContext(identity, name);
      const key = createPrivateKey((identity as X509Identity).credentials.privateKey);
      // Any other key keeps the SDK's signer.
      if (key.asymmetricKeyDetails?.namedCurve === P256)
        user.setSigningIdentity(nativeSigner(key, user.getSigningIdentity()));
      return user;
    },
  });
}

/**
 * The SDK's signing identity with only `sign` replaced: the User takes it as its identity too, so the rest
 * (serialize, getMSPId, ...) must stay the SDK's.
 */
function nativeSigner(key: KeyObject, sdk: SdkSigningIdentity): SdkSigningIdentity {
  const native = Object.create(sdk) as SdkSigningIdentity;
  native.sign = (message: Buffer, opts?: { hashFunction?: unknown }): Buffer => {
    // A caller's own hash function is the SDK's business (fabric-network never passes one).
    if (opts?.hashFunction !== undefined) return sdk.sign(message, opts);
    const raw = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
    const r = BigInt(`0x${raw.subarray(0, P256_SIZE).toString('hex')}`);
    const s = BigInt(`0x${raw.subarray(P256_SIZE).toString('hex')}`);
    return derSignature(r, s > P256_ORDER >> 1n ? P256_ORDER - s : s);
  };
  return native;
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }; P-256's fit short-form lengths. */
function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A leading bit of 1 would read as negative.
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}
