/** Valid request bodies and ledger records for the gateway's unit tests. */
import type { Actor, Settlement } from '@settlement/chaincode/dist/api';

export const RAW_ID_NUMBER = '11010519491231002X';
/** An e-invoice's 8-digit code followed by its 10-digit number. */
export const RAW_INVOICE = '440100262600012345';

export const actor = (txId: string, mspId = 'Hospital1MSP'): Actor => ({
  mspId,
  user: 'someone',
  txId,
  at: '2026-01-01T00:00:00.000Z',
});

export const costs = {
  total: 10000,
  fund: { pooled: 5000, seriousIllness: 1000, assistance: 0 },
  inCatalogueSelfPay: 2000,
  outOfCatalogue: 1500,
  innovativeDrug: 500,
};

export const settlementBody = {
  settlementId: 'S-1',
  patient: { idType: 'RESIDENT_ID', idNumber: RAW_ID_NUMBER },
  policyRef: 'P-1',
  invoiceNumber: RAW_INVOICE,
  admissionDate: '2026-01-02',
  dischargeDate: '2026-01-05',
  mode: 'PARALLEL',
  costs,
};

export const productBody = {
  productId: 'HMB-2026',
  name: 'City Hui Min Bao 2026',
  annualCap: 200000000,
  benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 2000000, ratioBps: 8000 }],
};

export const authorisationBody = {
  authorisationId: 'A-1',
  patient: { idType: 'RESIDENT_ID', idNumber: RAW_ID_NUMBER },
  insurer: 'Insurer1MSP',
  purpose: 'CLAIM_SETTLEMENT',
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  evidenceHash: 'a'.repeat(64),
};

export const policyBody = {
  policyRef: 'P-1',
  productId: 'HMB-2026',
  patientRef: 'b'.repeat(64),
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
};

export function settlementRecord(overrides: Partial<Settlement> = {}): Settlement {
  return {
    hospital: 'Hospital1MSP',
    settlementId: 'S-1',
    patientRef: 'c'.repeat(64),
    policyRef: 'P-1',
    insurer: 'Insurer1MSP',
    productId: 'HMB-2026',
    productVersion: 1,
    invoiceHash: 'd'.repeat(64),
    admissionDate: '2026-01-02',
    dischargeDate: '2026-01-05',
    mode: 'PARALLEL',
    payee: 'HOSPITAL',
    period: '2026',
    costs,
    split: { fundShare: 6000, commercialShare: 1200, patientShare: 2800, lines: [], reason: null },
    status: 'AWAITING_PAYOUT',
    recordedBy: actor('1'.repeat(64)),
    txId: '1'.repeat(64),
    ...overrides,
  };
}
