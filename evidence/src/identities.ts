/**
 * Whose signature is whose: a certificate belongs to an organisation when it chains to one of the roots (through
 * its intermediates) that the channel configuration in force defines for that organisation's MSP ID.
 */
import { X509Certificate, verify } from 'node:crypto';
import type { Identity, MspDefinition } from './blocks';

/** Why an identity is not the organisation's, or undefined when it is. */
export function identityProblem(
  identity: Identity,
  msps: readonly MspDefinition[],
  at?: string,
): string | undefined {
  const definition = msps.find((m) => m.mspId === identity.mspId);
  if (!definition) return `${identity.mspId} is not an organisation of the channel's configuration`;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(identity.certificate);
  } catch {
    return `the certificate of ${identity.mspId}'s identity cannot be read`;
  }
  let issuers: { certificate: X509Certificate; root: boolean }[];
  try {
    issuers = [
      ...definition.rootCerts.map((pem) => ({ certificate: new X509Certificate(pem), root: true })),
      ...definition.intermediateCerts.map((pem) => ({ certificate: new X509Certificate(pem), root: false })),
    ];
  } catch {
    return `a root or intermediate certificate of ${identity.mspId} in the configuration cannot be read`;
  }
  // Up through the intermediates to a root; each link issued and signed by the next.
  let current = certificate;
  for (let depth = 0; depth < 8; depth++) {
    const issuer = issuers.find(
      ({ certificate: c }) => current.checkIssued(c) && current.verify(c.publicKey),
    );
    if (!issuer) return `the certificate of an identity of ${identity.mspId} is not issued by its roots`;
    if (issuer.root) {
      const outside = at !== undefined && (at < iso(certificate.validFrom) || at > iso(certificate.validTo));
      return outside
        ? `the certificate of an identity of ${identity.mspId} was not valid at ${at}`
        : undefined;
    }
    current = issuer.certificate;
  }
  return `the certificate of an identity of ${identity.mspId} has too long a chain`;
}

const iso = (date: string): string => new Date(date).toISOString();

/** ECDSA (or any key type the certificate holds) over SHA-256, as Fabric's MSPs sign. */
export function signatureValid(identity: Identity, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, new X509Certificate(identity.certificate).publicKey, signature);
  } catch {
    return false;
  }
}
