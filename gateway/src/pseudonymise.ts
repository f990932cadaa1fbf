/**
 * Pseudonymisation before anything leaves the gateway.
 *
 * patientRef = hex HMAC-SHA256(consortium key, idType + "\n" + idNumber), with idNumber trimmed and upper-cased
 * (a resident ID's check character may be written x or X). Every gateway holds the same consortium key, so the
 * same patient gets the same patientRef at every organisation, while the ledger, which never sees the key,
 * cannot reverse it. The newline separator keeps (type, number) pairs from colliding by concatenation.
 *
 * invoiceHash = hex SHA-256 of the trimmed invoice number: invoice numbers are not personal data, and an unkeyed
 * hash lets any party check a paper invoice against the ledger.
 */
import { createHash, createHmac } from 'node:crypto';

export interface PatientId {
  idType: string;
  idNumber: string;
}

export interface Pseudonymiser {
  patientRef(patient: PatientId): string;
  invoiceHash(invoiceNumber: string): string;
}

export function createPseudonymiser(key: Buffer): Pseudonymiser {
  if (key.length < 32) throw new Error('the pseudonymisation key must be at least 32 bytes');
  return {
    patientRef: ({ idType, idNumber }) =>
      createHmac('sha256', key).update(`${idType}\n${idNumber.trim().toUpperCase()}`, 'utf8').digest('hex'),
    invoiceHash: (invoiceNumber) => createHash('sha256').update(invoiceNumber.trim(), 'utf8').digest('hex'),
  };
}
