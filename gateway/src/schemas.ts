/**
 * Request schemas, declared once: routes validate with them and /openapi.json is generated from them.
 * Objects are strict so that a misspelt field is an error rather than silently ignored. The limits and
 * patterns are the chaincode's own (from its api module), so nothing passes here that the chaincode refuses.
 */
import { z } from 'zod';
import {
  BENEFIT_CATEGORIES,
  CONTROL_CHARACTERS,
  DATE_PATTERN,
  HASH_PATTERN,
  ID_MAX_LENGTH,
  ID_PATTERN,
  MAX_BATCH_ITEMS,
  MAX_FEN,
  MAX_PAGE_SIZE,
  MAX_RATIO_BPS,
  MSP_ID_PATTERN,
  SETTLEMENT_STATUSES,
  TEXT_MAX_LENGTH,
  UTC_INSTANT_PATTERN,
  costsAddUp,
  isCalendarDate,
  isUtcInstant,
} from '@settlement/chaincode/dist/api';
import type { BenefitCategory, SettlementStatus } from '@settlement/chaincode/dist/api';

export const id = z
  .string()
  .regex(ID_PATTERN, `letters, digits and . _ : - (at most ${ID_MAX_LENGTH}, not starting with a symbol)`);
export const mspId = z.string().regex(MSP_ID_PATTERN, 'an MSP ID such as Hospital1MSP');
export const fen = z.number().int().min(0).max(MAX_FEN).describe('integer fen');
export const hex64 = z.string().regex(HASH_PATTERN, '64 lowercase hex digits');
/** Trimmed (the chaincode gets the trimmed text), not blank, without control characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'no control characters');

export const isoDate = z
  .string()
  .regex(DATE_PATTERN, 'a date YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date')
  // The format tells OpenAPI clients (and fuzzers) that only real calendar dates are accepted.
  .meta({ format: 'date' });
export const isoTime = z
  .string()
  .regex(UTC_INSTANT_PATTERN, 'an ISO-8601 UTC time such as 2026-03-01T08:30:00Z')
  .refine(isUtcInstant, 'not a calendar date')
  .meta({ format: 'date-time' })
  .describe('ISO-8601 UTC time');

export const patient = z.strictObject({
  idType: z.enum(['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT', 'FOREIGNER_PERMANENT_ID']),
  idNumber: z.string().trim().min(1).max(64),
});

/** A body names the patient either by identity document (pseudonymised here) or by patientRef. */
const patientOrRef = { patient: patient.optional(), patientRef: hex64.optional() };
function exactlyOnePatient(value: { patient?: unknown; patientRef?: unknown }, ctx: z.RefinementCtx): void {
  if ((value.patient === undefined) === (value.patientRef === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of patient and patientRef',
      path: ['patient'],
    });
  }
}

function validRange(value: { validFrom: string; validTo: string }, ctx: z.RefinementCtx): void {
  if (value.validFrom > value.validTo) {
    ctx.addIssue({ code: 'custom', message: 'validFrom is after validTo', path: ['validTo'] });
  }
}

export const benefit = z.strictObject({
  category: z.enum(BENEFIT_CATEGORIES as readonly [BenefitCategory, ...BenefitCategory[]]),
  deductible: fen,
  ratioBps: z.number().int().min(0).max(MAX_RATIO_BPS),
  annualCap: fen.optional(),
});

export const participantBody = z.strictObject({
  mspId,
  kind: z.enum(['HOSPITAL', 'INSURER', 'REGULATOR']),
  name: text(TEXT_MAX_LENGTH.name),
});

export const productBody = z
  .strictObject({
    productId: id,
    name: text(TEXT_MAX_LENGTH.name),
    annualCap: fen,
    benefits: z.array(benefit).min(1).max(BENEFIT_CATEGORIES.length),
  })
  .superRefine((value, ctx) => {
    const categories = value.benefits.map((b) => b.category);
    if (new Set(categories).size !== categories.length) {
      ctx.addIssue({ code: 'custom', message: 'each category at most once', path: ['benefits'] });
    }
  });

export const policyBody = z
  .strictObject({ policyRef: id, productId: id, ...patientOrRef, validFrom: isoDate, validTo: isoDate })
  .superRefine(exactlyOnePatient)
  .superRefine(validRange);

export const authorisationBody = z
  .strictObject({
    authorisationId: id,
    ...patientOrRef,
    insurer: mspId,
    purpose: z.literal('CLAIM_SETTLEMENT'),
    validFrom: isoDate,
    validTo: isoDate,
    evidenceHash: hex64.describe('SHA-256 of the signed consent document'),
  })
  .superRefine(exactlyOnePatient)
  .superRefine(validRange);

export const reasonBody = z.strictObject({ reason: text(TEXT_MAX_LENGTH.reason) });

export const costs = z
  .strictObject({
    total: fen,
    fund: z.strictObject({ pooled: fen, seriousIllness: fen, assistance: fen }),
    inCatalogueSelfPay: fen,
    outOfCatalogue: fen,
    innovativeDrug: fen,
  })
  .superRefine((c, ctx) => {
    if (!costsAddUp(c))
      ctx.addIssue({ code: 'custom', message: 'total must equal the sum of the parts', path: ['total'] });
  });

export const settlementItem = z
  .strictObject({
    settlementId: id,
    ...patientOrRef,
    policyRef: id,
    invoiceNumber: z.string().trim().min(1).max(64),
    admissionDate: isoDate,
    dischargeDate: isoDate,
    mode: z.enum(['PARALLEL', 'SERIES']),
    costs,
  })
  .superRefine(exactlyOnePatient)
  .superRefine((value, ctx) => {
    if (value.admissionDate > value.dischargeDate) {
      ctx.addIssue({
        code: 'custom',
        message: 'admissionDate is after dischargeDate',
        path: ['dischargeDate'],
      });
    }
  });

export const settlementBatchBody = z.strictObject({
  items: z.array(settlementItem).min(1).max(MAX_BATCH_ITEMS),
});

export const payoutBody = z.strictObject({
  amount: fen,
  paidAt: isoTime,
  paymentReference: text(TEXT_MAX_LENGTH.reference),
});

// ----- path parameters and queries -----

export const noParams = z.strictObject({});
export const productParams = z.strictObject({ productId: id });
export const productQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
export const policyParams = z.strictObject({ policyRef: id });
export const authorisationParams = z.strictObject({ id });
export const settlementParams = z.strictObject({ hospital: mspId, settlementId: id });
export const txParams = z.strictObject({ txId: z.string().regex(/^[0-9a-f]{64}$/, 'a transaction id') });

const dateRange = { from: isoDate.optional(), to: isoDate.optional() };
export const noQuery = z.strictObject({});
export const settlementListQuery = z.strictObject({
  hospital: mspId.optional(),
  insurer: mspId.optional(),
  status: z.enum(SETTLEMENT_STATUSES as readonly [SettlementStatus, ...SettlementStatus[]]).optional(),
  ...dateRange,
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  // base64url of a chaincode bookmark (at most 1024 bytes).
  cursor: z.string().min(1).max(1368).optional(),
});
export const reconciliationQuery = z.strictObject({
  ...dateRange,
  hospital: mspId.optional(),
  insurer: mspId.optional(),
});
export const alertsQuery = z.strictObject(dateRange);
export const eventsQuery = z.strictObject({ since: z.coerce.number().int().min(0).optional() });
/** An event id as the stream sends it ("block.index"); a browser's EventSource echoes the last one it got. */
export const eventsHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}\.\d{1,9}$/, 'must be an event id, "block.index"')
    .optional(),
});
