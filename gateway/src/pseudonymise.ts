/**
 * Pseudonymisation before anything leaves the gateway, with the consortium key every gateway holds (the ledger
 * never sees it), so the same patient or invoice gets the same pseudonym at every organisation and duplicates
 * and eligibility can be checked across them.
 *
 * patientRef = hex HMAC-SHA256(key, idType + "\n" + idNumber), idNumber normalised to NFKC, without spaces and
 * upper-cased (a resident ID's check character may be written x or X).
 * invoiceHash = hex HMAC-SHA256(key, "invoice\n" + code + "\n" + number), of the invoice code and number as
 * schemas.ts normalised them. Keyed, because a 10-digit number space falls to an unkeyed hash in hours. The
 * newlines keep fields from colliding by concatenation, and "invoice" keeps the two kinds of pseudonym apart.
 */
import { createHmac } from 'node:crypto';

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
}

export function createPseudonymiser(key: Buffer): Pseudonymiser {
  if (key.length < 32) throw new Error('the pseudonymisation key must be at least 32 bytes');
  const hmac = (message: string): string => createHmac('sha256', key).update(message, 'utf8').digest('hex');
  return {
    patientRef: ({ idType, idNumber }) =>
      hmac(`${idType}\n${idNumber.normalize('NFKC').replace(/\s/g, '').toUpperCase()}`),
    invoiceHash: ({ code, number }) => hmac(`invoice\n${code}\n${number}`),
  };
}
