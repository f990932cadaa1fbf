/**
 * What the gateway accepts: the chaincode's request schemas (chaincode/src/schemas.ts), extended with what only
 * the gateway takes (a patient's identity document, an invoice number: pseudonymised before they reach the
 * ledger), plus path parameters and queries. Routes validate with these and /openapi.json is generated from
 * them, so nothing passes here that the chaincode refuses, and no limit is written twice.
 */
import { z } from 'zod';
import {
  BOOKMARK_MAX_LENGTH,
  MAX_BATCH_ITEMS,
  MAX_PAGE_SIZE,
  SETTLEMENT_MODES,
  SETTLEMENT_STATUSES,
  ALERT_STATUSES,
  ALERT_TYPES,
  alertLookup,
  admissionNotAfterDischarge,
  authorisationShape,
  date,
  hash,
  id,
  mspId,
  policyShape,
  reasonBody,
  settlementDetailsShape,
  validity,
} from '@settlement/chaincode/dist/schemas';
import { cancellation2208, costsOf2207, innovativeDrugFen, output2207, platformDate } from './platform-2207';

export {
  disputeAnswerBody,
  disputeDecisionBody,
  participantBody,
  payoutBody,
  productBody,
  reasonBody,
  recoveryBody,
  triageBody,
} from '@settlement/chaincode/dist/schemas';

export const patient = z.strictObject({
  idType: z.enum(['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT', 'FOREIGNER_PERMANENT_ID']),
  idNumber: z.string().trim().min(1).max(64),
});

function exactlyOnePatient(value: { patient?: unknown; patientRef?: unknown }, ctx: z.RefinementCtx): void {
  if ((value.patient === undefined) === (value.patientRef === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of patient and patientRef',
      path: ['patient'],
    });
  }
}

/** A ledger shape whose `patientRef` may instead be given as the patient's identity (pseudonymised here). */
function withPatient<S extends { patientRef: z.ZodType }>(shape: S) {
  return z
    .strictObject({ ...shape, patient: patient.optional(), patientRef: hash.optional() })
    .superRefine(exactlyOnePatient);
}

export const policyBody = withPatient(policyShape).superRefine(validity);
export const authorisationBody = withPatient(authorisationShape).superRefine(validity);

/**
 * Digits as a person may type them: normalised to NFKC (full-width digits become ASCII ones) with spaces removed,
 * then exactly `count` ASCII digits. Nothing else is forgiven (a letter, an invisible character, a leading zero
 * too many is a 400), so one invoice cannot be spelt two ways past the duplicate check.
 */
function typedDigits(count: number, what: string) {
  return z
    .string()
    .max(64)
    .overwrite((value) => value.normalize('NFKC').replace(/ /g, ''))
    .regex(new RegExp(`^[0-9]{${count}}$`), `${count} digits: ${what}`);
}

/**
 * A medical e-invoice (医疗收费电子票据) is identified by its 8-digit invoice code (票据代码: region, category,
 * kind, year) and its 10-digit number (票据号码); the check code (校验码) beside them verifies it with the
 * issuer and is not part of its identity, so it is checked for form and goes no further.
 */
export const invoice = z.strictObject({
  code: typedDigits(8, 'the invoice code (票据代码)'),
  number: typedDigits(10, 'the invoice number (票据号码)'),
  checkCode: z
    .string()
    .max(64)
    .overwrite((value) => value.normalize('NFKC').replace(/ /g, ''))
    .regex(/^[0-9A-Za-z]{6}$/, '6 letters or digits: the check code (校验码)')
    .optional(),
});
export type Invoice = z.output<typeof invoice>;

function exactlyOneInvoice(
  value: { invoice?: unknown; invoiceNumber?: unknown },
  ctx: z.RefinementCtx,
): void {
  if ((value.invoice === undefined) === (value.invoiceNumber === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of invoice and invoiceNumber',
      path: ['invoice'],
    });
  }
}

/** The invoice is hashed here (pseudonymise.ts); the ledger sees only its keyed hash. */
const invoiceNumber = typedDigits(18, 'the invoice code followed by the invoice number');

export const settlementItem = withPatient({
  ...settlementDetailsShape,
  invoice: invoice.optional(),
  invoiceNumber: invoiceNumber.optional(),
})
  .superRefine(exactlyOneInvoice)
  .superRefine(admissionNotAfterDischarge);

/** The invoice a settlement names, however it was given. */
export function invoiceOf(item: { invoice?: Invoice; invoiceNumber?: string }): Invoice {
  if (item.invoice) return item.invoice;
  const digits = item.invoiceNumber as string;
  return { code: digits.slice(0, 8), number: digits.slice(8) };
}

export const settlementBatchBody = z.strictObject({
  items: z.array(settlementItem).min(1).max(MAX_BATCH_ITEMS),
});

/** A patient's cover on a date (today in China Standard Time when none is given). */
export const eligibilityBody = z
  .strictObject({ patient: patient.optional(), patientRef: hash.optional(), date: date.optional() })
  .superRefine(exactlyOnePatient);

/** The platform's code for a resident identity card (居民身份证) in psn_cert_type. */
const RESIDENT_ID_CERT_TYPE = '01';

/**
 * A settlement from the platform's 2207 output as received, with what the output does not say: the policy (or
 * only the patient, when they hold one policy active at discharge), the mode and the innovative-drug part.
 * The patient, the invoice and the dates may come from the output (a resident identity card's certno,
 * invono, begndate and enddate) instead.
 */
export const from2207Body = z
  .strictObject({
    output: output2207,
    patient: patient.optional(),
    patientRef: hash.optional(),
    policyRef: id.optional(),
    insurer: mspId.optional(),
    mode: z.enum(SETTLEMENT_MODES),
    invoice: invoice.optional(),
    invoiceNumber: invoiceNumber.optional(),
    innovativeDrug: innovativeDrugFen.default(0),
    admissionDate: date.optional(),
    dischargeDate: date.optional(),
  })
  .superRefine((body, ctx) => {
    const info = body.output.setlinfo;
    const missing = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', message, path: [path] });
    if (body.patient !== undefined && body.patientRef !== undefined)
      missing('patient', 'give at most one of patient and patientRef');
    if (
      body.patient === undefined &&
      body.patientRef === undefined &&
      info.psn_cert_type !== RESIDENT_ID_CERT_TYPE
    )
      missing('patient', 'give the patient: the output names no resident identity card (psn_cert_type 01)');
    if (body.invoice !== undefined && body.invoiceNumber !== undefined)
      missing('invoice', 'give at most one of invoice and invoiceNumber');
    if (
      body.invoice === undefined &&
      body.invoiceNumber === undefined &&
      !invoiceNumber.safeParse(info.invono).success
    )
      missing('invoiceNumber', 'give the invoice: the output has no 18-digit invono');
    if ((body.admissionDate ?? platformDate(info.begndate)) === undefined)
      missing('admissionDate', 'give the admission date: the output has no begndate');
    if ((body.dischargeDate ?? platformDate(info.enddate)) === undefined)
      missing('dischargeDate', 'give the discharge date: the output has no enddate');
    if (
      output2207.safeParse(body.output).success &&
      costsOf2207(body.output, body.innovativeDrug) === undefined
    )
      missing('innovativeDrug', 'must not exceed fulamt_ownpay_amt + overlmt_selfpay');
  });
export type From2207Body = z.output<typeof from2207Body>;

/**
 * The settlement a 2207 body stands for, in the shape of POST /v1/settlements (less the policy when the body
 * names none).
 */
export function settlementOf2207(body: From2207Body) {
  const info = body.output.setlinfo;
  const patientOf = (): { patient: z.output<typeof patient> } | { patientRef: string } => {
    if (body.patient) return { patient: body.patient };
    if (body.patientRef) return { patientRef: body.patientRef };
    return { patient: { idType: 'RESIDENT_ID', idNumber: info.certno ?? '' } };
  };
  return {
    settlementId: info.setl_id,
    ...patientOf(),
    ...(body.insurer !== undefined && { insurer: body.insurer }),
    ...(body.invoice
      ? { invoice: body.invoice }
      : { invoiceNumber: body.invoiceNumber ?? (info.invono as string) }),
    admissionDate: body.admissionDate ?? (platformDate(info.begndate) as string),
    dischargeDate: body.dischargeDate ?? (platformDate(info.enddate) as string),
    mode: body.mode,
    costs: costsOf2207(body.output, body.innovativeDrug) as NonNullable<ReturnType<typeof costsOf2207>>,
  };
}

export const from2207BatchBody = z.strictObject({
  items: z.array(from2207Body).min(1).max(MAX_BATCH_ITEMS),
});

/** A 2208 cancellation: the settlement it names (by its setl_id) is reversed. */
export const from2208Body = z.strictObject({
  cancellation: cancellation2208,
  reason: reasonBody.shape.reason.optional(),
});

// ----- path parameters and queries -----

export const noParams = z.strictObject({});
export const productParams = z.strictObject({ productId: id });
export const productQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
export const policyParams = z.strictObject({ policyRef: id });
/** Ids are each organisation's own: an auditor names whose (an insurer reads its own by default). */
export const policyQuery = z.strictObject({ insurer: mspId.optional() });
export const authorisationParams = z.strictObject({ id });
/** Whose id: the caller's own by default; an insurer names the hospital that recorded a consent for it. */
export const authorisationQuery = z.strictObject({ recordedBy: mspId.optional() });
export const settlementParams = z.strictObject({ hospital: mspId, settlementId: id });
export const txParams = z.strictObject({ txId: z.string().regex(/^[0-9a-f]{64}$/, 'a transaction id') });

const dateRange = { from: date.optional(), to: date.optional() };
/** A list's paging: the chaincode's `limit`, and `cursor` in place of its bookmark. */
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  // base64url of a chaincode bookmark.
  cursor: z
    .string()
    .min(1)
    .max(Math.ceil((BOOKMARK_MAX_LENGTH * 4) / 3))
    .optional(),
};
export const noQuery = z.strictObject({});
export const productListQuery = z.strictObject({ insurer: mspId.optional(), ...pageQuery });
export const settlementListQuery = z.strictObject({
  hospital: mspId.optional(),
  insurer: mspId.optional(),
  status: z.enum(SETTLEMENT_STATUSES).optional(),
  ...dateRange,
  ...pageQuery,
});
export const reconciliationQuery = z.strictObject({
  ...dateRange,
  hospital: mspId.optional(),
  insurer: mspId.optional(),
});
export const alertsQuery = z.strictObject({
  type: z.enum(ALERT_TYPES).optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  ...dateRange,
  ...pageQuery,
});
export const alertParams = alertLookup;
export const eventsQuery = z.strictObject({ since: z.coerce.number().int().min(0).optional() });
/** An event id as the stream sends it ("block.index"); a browser's EventSource echoes the last one it got. */
export const eventsHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}\.\d{1,9}$/, 'must be an event id, "block.index"')
    .optional(),
});
