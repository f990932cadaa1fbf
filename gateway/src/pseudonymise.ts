/**
 * Pseudonymisation before anything leaves the gateway, with the consortium key every gateway holds (the ledger
 * never sees it), so the same patient or invoice gets the same pseudonym at every organisation and duplicates
 * and eligibility can be checked across them.
 *
 * The key can be rotated: the key ring holds the current key first, then keys used before it. New records get
 * pseudonyms under the current key; a settlement also sends its patient's and invoice's former pseudonyms, so the
 * ledger still finds policies, consents and invoices recorded before the rotation.
 *
 * patientRef = hex HMAC-SHA256(key, idType + "\n" + idNumber), idNumber normalised to NFKC, without spaces and
 * upper-cased (a resident ID's check character may be written x or X).
 * invoiceHash = hex HMAC-SHA256(key, "invoice\n" + code + "\n" + number), of the invoice code and number as
 * schemas.ts normalised them. Keyed, because a 10-digit number space falls to an unkeyed hash in hours. The
 * newlines keep fields from colliding by concatenation, and "invoice" keeps the two kinds of pseudonym apart.
 */
import { createHmac } from 'node:crypto';
import { MAX_FORMER_PSEUDONYMS } from '@settlement/chaincode/dist/schemas';

export interface PatientId {
  idType: string;
  idNumber: string;
}

export interface InvoiceId {
  code: string;
  number: string;
}

export interface Pseudonymiser {
  patientRef(patient: PatientId): string;
  invoiceHash(invoice: InvoiceId): string;
  /** The patient's pseudonyms under the keys used before the current one, newest first. */
  formerPatientRefs(patient: PatientId): string[];
  formerInvoiceHashes(invoice: InvoiceId): string[];
}

/** The most keys a ring may hold (the current one and as many former ones as a settlement may carry). */
export const MAX_PSEUDONYM_KEYS = MAX_FORMER_PSEUDONYMS + 1;

const patientMessage = ({ idType, idNumber }: PatientId): string =>
  `${idType}\n${idNumber.normalize('NFKC').replace(/\s/g, '').toUpperCase()}`;
const invoiceMessage = ({ code, number }: InvoiceId): string => `invoice\n${code}\n${number}`;

/** `keys`: the current key first, then the keys it replaced, newest first. */
export function createPseudonymiser(keys: readonly Buffer[]): Pseudonymiser {
  if (keys.length < 1 || keys.length > MAX_PSEUDONYM_KEYS) {
    throw new Error(`the pseudonymisation key ring must hold 1 to ${MAX_PSEUDONYM_KEYS} keys`);
  }
  if (keys.some((key) => key.length < 32))
    throw new Error('a pseudonymisation key must be at least 32 bytes');
  const hmac = (key: Buffer, message: string): string =>
    createHmac('sha256', key).update(message, 'utf8').digest('hex');
  const [current, ...former] = keys;
  return {
    patientRef: (patient) => hmac(current, patientMessage(patient)),
    invoiceHash: (invoice) => hmac(current, invoiceMessage(invoice)),
    formerPatientRefs: (patient) => former.map((key) => hmac(key, patientMessage(patient))),
    formerInvoiceHashes: (invoice) => former.map((key) => hmac(key, invoiceMessage(invoice))),
  };
}
