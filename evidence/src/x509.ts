/**
 * The few parts of an X.509 certificate the verifier needs (who issued it, to whom, when it is valid, its public
 * key and the issuer's signature over it), read from DER, and ECDSA as Fabric's MSPs use it (P-256 or P-384 keys,
 * signatures over SHA-256 or SHA-384) through Web Crypto, which Node and browsers both have natively. Anything
 * else is refused, not guessed at.
 */
import { fromBase64, hex, utf8, type Bytes } from './bytes';

interface Element {
  tag: number;
  /** The whole element, tag and length included. */
  der: Bytes;
  content: Bytes;
}

/** The DER elements laid end to end in `bytes`. */
function elements(bytes: Bytes): Element[] {
  const found: Element[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = bytes[at++];
    if ((tag & 0x1f) === 0x1f) throw new Error('a high tag number');
    let length = bytes[at++];
    if (length === undefined) throw new Error('a truncated element');
    if (length & 0x80) {
      const size = length & 0x7f;
      if (size === 0 || size > 3) throw new Error('an unsupported length');
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + (bytes[at++] ?? Number.NaN);
    }
    if (!(at + length <= bytes.length)) throw new Error('a truncated element');
    found.push({ tag, der: bytes.subarray(start, at + length), content: bytes.subarray(at, at + length) });
    at += length;
  }
  return found;
}

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;
const OID = 0x06;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const VERSION = 0xa0;

/** The children of the one constructed element of tag `tag` that `element` must be. */
function children(element: Element | undefined, tag = SEQUENCE): Element[] {
  if (element?.tag !== tag) throw new Error(`expected tag ${tag}, found ${element?.tag}`);
  return elements(element.content);
}

function bitString(element: Element | undefined): Bytes {
  if (element?.tag !== BIT_STRING || element.content[0] !== 0)
    throw new Error('expected a whole-byte bit string');
  return element.content.subarray(1);
}

function oid(element: Element | undefined): string {
  if (element?.tag !== OID) throw new Error('expected an object identifier');
  return hex(element.content);
}

/** UTCTime (years 1950–2049) or GeneralizedTime, in UTC, as ISO-8601. */
function time(element: Element | undefined): string {
  const text = utf8(element?.content ?? new Uint8Array());
  const match =
    element?.tag === UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element?.tag === GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) throw new Error('expected a UTC time');
  const [, year, month, day, hour, minute, second] = match;
  const fullYear = year.length === 4 ? year : `${Number(year) < 50 ? '20' : '19'}${year}`;
  return `${fullYear}-${month}-${day}T${hour}:${minute}:${second}.000Z`;
}

// Object identifiers as the hex of their DER content.
const EC_PUBLIC_KEY = '2a8648ce3d0201';
/** Each curve's name in Web Crypto, the bytes of each of r and s in a signature on it, and its order. */
interface Curve {
  namedCurve: string;
  size: number;
  order: bigint;
}
const CURVES: Record<string, Curve> = {
  '2a8648ce3d030107': {
    namedCurve: 'P-256',
    size: 32,
    order: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  },
  '2b81040022': {
    namedCurve: 'P-384',
    size: 48,
    order: BigInt(
      '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ),
  },
};
export type Hash = 'SHA-256' | 'SHA-384';
const HASHES: Record<string, Hash> = { '2a8648ce3d040302': 'SHA-256', '2a8648ce3d040303': 'SHA-384' };

/**
 * An ECDSA signature in canonical DER (one SEQUENCE of two minimal positive INTEGERs r and s, nothing after it)
 * in Web Crypto's form: r and s, each `size` bytes. With `lowS`, s must be at most half the curve's order, as
 * Fabric requires of every signature its identities make, so that no one can alter a signature and keep it valid.
 */
function rawSignature(der: Bytes, curve: Curve, lowS: boolean): Uint8Array<ArrayBuffer> {
  const [sequence, ...after] = elements(der);
  const integers = children(sequence);
  if (after.length > 0 || integers.length !== 2) throw new Error('not an ECDSA signature');
  const raw = new Uint8Array(2 * curve.size);
  integers.forEach(({ tag, content }, i) => {
    const negative = (content[0] ?? 0x80) & 0x80;
    const padded = content.length > 1 && content[0] === 0 && !(content[1] & 0x80);
    if (tag !== 0x02 || negative || padded) throw new Error('not an ECDSA signature');
    const value = content[0] === 0 ? content.subarray(1) : content;
    if (value.length > curve.size) throw new Error('not an ECDSA signature');
    raw.set(value, (i + 1) * curve.size - value.length);
  });
  if (lowS && BigInt(`0x${hex(raw.subarray(curve.size))}`) > curve.order >> 1n)
    throw new Error('a high-S signature');
  return raw;
}

export interface Certificate {
  /** The hex of the DER of the subject's name: an issuer's is compared with it byte for byte. */
  subject: string;
  validFrom: string;
  validTo: string;
  /**
   * Whether `signature` (ECDSA, canonical DER) over `data` hashed with `hash` is by the certificate's key; low-S
   * required unless `lowS` is false (a CA's signature over a certificate need not be).
   */
  verifies(data: Bytes, signature: Bytes, hash?: Hash, lowS?: boolean): Promise<boolean>;
  /** Whether `issuer` issued this certificate: its subject is this one's issuer and its key signed it. */
  signedBy(issuer: Certificate): Promise<boolean>;
}

/** A PEM (or bare base64 DER) certificate; throws, saying what is wrong, when it is not one this can check. */
export function readCertificate(pem: string): Certificate {
  const der = fromBase64(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''));
  const [tbs, algorithm, signatureValue] = children(elements(der)[0]);
  const fields = children(tbs);
  const [, , issuer, validity, subject, keyInfo] = fields[0]?.tag === VERSION ? fields.slice(1) : fields;
  children(issuer);
  children(subject);
  const issuerName = hex(issuer.der);
  const [notBefore, notAfter] = children(validity);
  const [keyAlgorithm, keyBits] = children(keyInfo);
  const [keyType, curveId] = children(keyAlgorithm);
  const curve = oid(keyType) === EC_PUBLIC_KEY ? CURVES[oid(curveId)] : undefined;
  if (!curve) throw new Error('its key is not ECDSA on P-256 or P-384');
  bitString(keyBits);
  const tbsHash: Hash | undefined = HASHES[oid(children(algorithm)[0])];
  const issuerSignature = bitString(signatureValue);
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const verifies = async (
    data: Bytes,
    signature: Bytes,
    hash: Hash = 'SHA-256',
    lowS = true,
  ): Promise<boolean> => {
    try {
      // Web Crypto takes bytes over a plain ArrayBuffer: copies of the views decoding gave.
      key ??= crypto.subtle.importKey(
        'spki',
        new Uint8Array(keyInfo.der),
        { name: 'ECDSA', namedCurve: curve.namedCurve },
        false,
        ['verify'],
      );
      const raw = rawSignature(signature, curve, lowS);
      return await crypto.subtle.verify({ name: 'ECDSA', hash }, await key, raw, new Uint8Array(data));
    } catch {
      return false;
    }
  };
  return {
    subject: hex(subject.der),
    validFrom: time(notBefore),
    validTo: time(notAfter),
    verifies,
    signedBy: async (parent) =>
      tbsHash !== undefined &&
      parent.subject === issuerName &&
      parent.verifies(tbs.der, issuerSignature, tbsHash, false),
  };
}
