/**
 * Whose signature is whose: a certificate belongs to an organisation when it chains to one of the roots (through
 * its intermediates) that the channel configuration in force defines for that organisation's MSP ID.
 */
import type { Identity, MspDefinition } from './blocks';
import type { Bytes } from './bytes';
import { readCertificate, type Certificate } from './x509';

/** A package signs every block with the same few identities: each certificate is read (and its key imported) once. */
const certificates = new Map<string, Certificate>();
const CERTIFICATES_KEPT = 1000;

function certificateOf(pem: string): Certificate {
  let certificate = certificates.get(pem);
  if (!certificate) {
    certificate = readCertificate(pem);
    if (certificates.size >= CERTIFICATES_KEPT) certificates.clear();
    certificates.set(pem, certificate);
  }
  return certificate;
}

/** Chains checked once per configuration (its own objects as keys, so no check outlives its package). */
const chains = new WeakMap<MspDefinition, Map<string, Promise<string | undefined>>>();

/** Why `certificate` does not chain to the definition's roots, or undefined when it does. */
async function chainProblem(
  definition: MspDefinition,
  certificate: Certificate,
): Promise<string | undefined> {
  const { mspId } = definition;
  let issuers: { certificate: Certificate; root: boolean }[];
  try {
    issuers = [
      ...definition.rootCerts.map((pem) => ({ certificate: certificateOf(pem), root: true })),
      ...definition.intermediateCerts.map((pem) => ({ certificate: certificateOf(pem), root: false })),
    ];
  } catch (error) {
    return `a root or intermediate certificate of ${mspId} in the configuration cannot be read: ${(error as Error).message}`;
  }
  // Up through the intermediates to a root; each link issued and signed by the next.
  let current = certificate;
  for (let depth = 0; depth < 8; depth++) {
    const signed = await Promise.all(issuers.map((issuer) => current.signedBy(issuer.certificate)));
    const issuer = issuers[signed.indexOf(true)];
    if (!issuer) return `the certificate of an identity of ${mspId} is not issued by its roots`;
    if (issuer.root) return undefined;
    current = issuer.certificate;
  }
  return `the certificate of an identity of ${mspId} has too long a chain`;
}

/** Why an identity is not the organisation's (or was not at `at`), or undefined when it is. */
export async function identityProblem(
  identity: Identity,
  msps: readonly MspDefinition[],
  at?: string,
): Promise<string | undefined> {
  const definition = msps.find((m) => m.mspId === identity.mspId);
  if (!definition) return `${identity.mspId} is not an organisation of the channel's configuration`;
  let certificate: Certificate;
  try {
    certificate = certificateOf(identity.certificate);
  } catch (error) {
    return `the certificate of ${identity.mspId}'s identity cannot be read: ${(error as Error).message}`;
  }
  let checked = chains.get(definition);
  if (!checked) chains.set(definition, (checked = new Map()));
  let problem = checked.get(identity.certificate);
  if (!problem) checked.set(identity.certificate, (problem = chainProblem(definition, certificate)));
  return (
    (await problem) ??
    (at !== undefined && (at < certificate.validFrom || at > certificate.validTo)
      ? `the certificate of an identity of ${identity.mspId} was not valid at ${at}`
      : undefined)
  );
}

/** ECDSA over SHA-256, as Fabric's MSPs sign. */
export async function signatureValid(identity: Identity, data: Bytes, signature: Bytes): Promise<boolean> {
  try {
    return await certificateOf(identity.certificate).verifies(data, signature);
  } catch {
    return false;
  }
}
