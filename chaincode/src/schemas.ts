/**
 * Every transaction's request, declared once with zod. The chaincode validates each request with these
 * schemas; the TypeScript request types are inferred from them; the gateway validates HTTP bodies with them,
 * extended with what only it accepts (a raw patient identity, an invoice number), and generates its OpenAPI
 * document from them. So every limit below exists once. Like api.ts, this module never imports Fabric.
 *
 * A body is what a client sends; a request adds the acting user (`actor`, the gateway's JWT subject) and, for
 * writes to an existing record, the record's key. Objects are strict: a field that is not declared is an
 * error, so nothing unexpected (raw personal data, a misspelt field) can ride along into the ledger.
 */
import { z } from 'zod';

// ----- limits -----

/** Largest amount in fen the ledger accepts (one billion yuan). */
export const MAX_FEN = 100_000_000_000;
/** Basis points in 100 %: a benefit's ratio ranges from 0 to this. */
export const MAX_RATIO_BPS = 10_000;
export const ID_MAX_LENGTH = 128;
export const MAX_BATCH_ITEMS = 100;
export const MAX_PAGE_SIZE = 100;
/** A bank transfer may cover a few hundred settlements. */
export const MAX_PAYOUT_ITEMS = 500;
/** A month's statement of one hospital and one insurer that a confirmation may list. */
export const MAX_STATEMENT_LINES = 100_000;
export const DEFAULT_PAGE_SIZE = 20;
/** A chaincode bookmark (opaque to callers) is at most this long. */
export const BOOKMARK_MAX_LENGTH = 1024;
/** Free text: at most this many characters (after normalisation). */
export const TEXT_MAX_LENGTH = { name: 200, reason: 500, reference: 128 } as const;

/** Natural ids: safe inside composite keys (no U+0000) and inside URL path segments (no '/'). */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${ID_MAX_LENGTH - 1}}$`);
export const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** SHA-256 / HMAC-SHA256 digests, hex: the only form in which invoices, patients and evidence reach the ledger. */
export const HASH_PATTERN = /^[0-9a-f]{64}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO-8601 UTC instant, at most nanosecond precision (what a Fabric timestamp holds). */
const UTC_INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
/**
 * What free text may hold once normalised (NFKC): letters, marks, digits, punctuation, symbols and the plain
 * space. No control, format (zero-width, bidirectional overrides), separator, private-use or unassigned
 * characters, which could hide or reorder what a reader of the record sees.
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

/** A real day of the proleptic Gregorian calendar, YYYY-MM-DD (years 0000-9999; no Date, whose years < 100 shift). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1];
}

export function isUtcInstant(value: string): boolean {
  const match = UTC_INSTANT_PATTERN.exec(value);
  return match !== null && isCalendarDate(match[1]);
}

// ----- vocabulary -----

export const PARTICIPANT_KINDS = ['HOSPITAL', 'INSURER', 'REGULATOR'] as const;
export const BENEFIT_CATEGORIES = ['IN_CATALOGUE_SELF_PAY', 'OUT_OF_CATALOGUE', 'INNOVATIVE_DRUG'] as const;
export const SETTLEMENT_STATUSES = [
  'AWAITING_PAYOUT',
  'NOTHING_DUE',
  'PAID',
  'DISPUTED',
  'REJECTED',
  'REVERSED',
  'RECOVERED',
] as const;
export const SETTLEMENT_MODES = ['PARALLEL', 'SERIES'] as const;
/** Who is owed a settlement's commercial share: the hospital in PARALLEL mode, the patient in SERIES mode. */
export const PAYEES = ['HOSPITAL', 'PATIENT'] as const;
/** Kinds of fraud alert: an invoice used again, or two hospitals' inpatient stays of one patient overlapping. */
export const ALERT_TYPES = ['DUPLICATE_INVOICE', 'OVERLAPPING_STAY', 'PERIOD_CHANGED'] as const;
/** An alert is OPEN until a regulator triages it. */
export const ALERT_STATUSES = ['OPEN', 'CONFIRMED', 'DISMISSED'] as const;
/** How a product's accumulators run: by calendar year, or by policy year from the policy's validFrom. */
export const ACCUMULATOR_PERIODS = ['CALENDAR_YEAR', 'POLICY_YEAR'] as const;

export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];
export type BenefitCategory = (typeof BENEFIT_CATEGORIES)[number];
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];
export type SettlementMode = (typeof SETTLEMENT_MODES)[number];
export type Payee = (typeof PAYEES)[number];
/** In the parallel model the insurer pays the hospital; in the series model the patient paid in full. */
export const PAYEE_OF_MODE: Record<SettlementMode, Payee> = { PARALLEL: 'HOSPITAL', SERIES: 'PATIENT' };
export type AccumulatorPeriod = (typeof ACCUMULATOR_PERIODS)[number];
export type AlertType = (typeof ALERT_TYPES)[number];
export type AlertStatus = (typeof ALERT_STATUSES)[number];

// ----- fields -----

export const id = z
  .string()
  .regex(
    ID_PATTERN,
    `an id of 1-${ID_MAX_LENGTH} letters, digits, ".", "_", ":" or "-", not starting with a symbol`,
  );
export const mspId = z.string().regex(MSP_ID_PATTERN, 'an MSP ID such as Hospital1MSP');
export const hash = z.string().regex(HASH_PATTERN, '64 lowercase hex digits');
/** Integer fen, never fractional or negative. */
export const fen = z.number().int().min(0).max(MAX_FEN).describe('integer fen');

// The formats tell OpenAPI clients (and fuzzers) what is accepted; the refinements enforce it.
export const date = z
  .string()
  .regex(DATE_PATTERN, 'a date YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date')
  .meta({ format: 'date' });
export const instant = z
  .string()
  .regex(UTC_INSTANT_PATTERN, 'an ISO-8601 UTC time such as 2026-03-01T08:30:00Z')
  .refine(isUtcInstant, 'not a calendar date')
  .meta({ format: 'date-time' });
/** A day (YYYY-MM-DD, in China Standard Time) or a UTC instant with up to nanoseconds. */
const dateOrInstant = z.union([date, instant]);

/**
 * Free text (names, reasons, references): normalised to NFKC (full-width letters and digits, compatibility
 * forms and non-breaking spaces become their plain forms) and trimmed, then not blank, bounded, and PRINTABLE.
 * The chaincode stores the normalised text, whoever called it.
 */
export function text(maxLength: number) {
  return z
    .string()
    .overwrite((value) => value.normalize('NFKC').trim())
    .min(1)
    .max(maxLength)
    .refine(
      (value) => PRINTABLE.test(value),
      'letters, digits, punctuation, symbols and spaces only (no control, format or bidirectional characters)',
    );
}

/**
 * The acting user: the opaque user id that the organisation's identity provider puts in its tokens' `sub`, never
 * personal data such as a name or an identity number. Restricted to the id alphabet, so look-alike letters and
 * invisible characters cannot forge or hide an actor.
 */
const actor = id.describe("the acting user: an opaque user id from the organisation's identity provider");
const withActor = { actor };

/** A page of a list: how many items, and where the previous page stopped. */
const pageShape = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** Opaque to callers; the list checks it lies inside the range the caller may scan. */
  bookmark: z.string().max(BOOKMARK_MAX_LENGTH).optional(),
};
/** A cross-field rule: `from` is not after `to` (both present; absent fields pass). The issue names `to`. */
export function notAfter<F extends string, T extends string>(from: F, to: T) {
  return (value: Partial<Record<F | T, string>>, ctx: z.RefinementCtx): void => {
    const [start, end] = [value[from], value[to]];
    if (start !== undefined && end !== undefined && start > end) {
      ctx.addIssue({ code: 'custom', message: `must not be before ${from}`, path: [to] });
    }
  };
}

// ----- participants -----

export const participantBody = z.strictObject({
  mspId,
  kind: z.enum(PARTICIPANT_KINDS),
  name: text(TEXT_MAX_LENGTH.name),
});
export const registerParticipant = participantBody.extend(withActor);
export const participantLookup = z.strictObject({ mspId });
export const noArguments = z.strictObject({});
/** The benchmarks' minimal write names its user like every write, but need not. */
export const ping = z.strictObject({ actor: actor.optional() });

// ----- products -----

export const benefit = z.strictObject({
  category: z.enum(BENEFIT_CATEGORIES),
  deductible: fen,
  ratioBps: z.number().int().min(0).max(MAX_RATIO_BPS).describe('payout ratio in basis points'),
  annualCap: fen.optional(),
});

export const productBody = z
  .strictObject({
    productId: id,
    name: text(TEXT_MAX_LENGTH.name),
    annualCap: fen,
    /** CALENDAR_YEAR unless the product says otherwise. */
    accumulatorPeriod: z.enum(ACCUMULATOR_PERIODS).default('CALENDAR_YEAR'),
    benefits: z.array(benefit).min(1).max(BENEFIT_CATEGORIES.length),
  })
  .superRefine((product, ctx) => {
    const seen = new Set<string>();
    product.benefits.forEach(({ category }, index) => {
      if (seen.has(category)) {
        ctx.addIssue({
          code: 'custom',
          message: `${category} appears twice`,
          path: ['benefits', index, 'category'],
        });
      }
      seen.add(category);
    });
  });
export const publishProduct = productBody.extend(withActor);
export const getProduct = z.strictObject({
  productId: id,
  version: z.number().int().min(1).optional(),
});
/** Every product's latest version, optionally one insurer's. */
export const listProducts = z.strictObject({ insurer: mspId.optional(), ...pageShape });

// ----- policies and authorisations -----

// The gateway builds its bodies from these shapes, with a patient in place of `patientRef`.
export const validity = notAfter('validFrom', 'validTo');

export const policyShape = { policyRef: id, productId: id, patientRef: hash, validFrom: date, validTo: date };
export const policyBody = z.strictObject(policyShape).superRefine(validity);
export const registerPolicy = policyBody.extend(withActor);
/** `insurer` defaults to the caller; an auditor names it. */
export const policyLookup = z.strictObject({ policyRef: id, insurer: mspId.optional() });
/**
 * A patient's and an invoice's pseudonyms under the gateways' earlier keys, newest first, so that records made
 * before a key rotation are still found (at most as many as a key ring holds besides its current key).
 */
export const MAX_FORMER_PSEUDONYMS = 3;
const formerPseudonyms = z.array(hash).max(MAX_FORMER_PSEUDONYMS).optional();
const formerPatientRefs = { formerPatientRefs: formerPseudonyms };
const formerInvoiceHashes = { formerInvoiceHashes: formerPseudonyms };

/** Each former pseudonym is another key's: none repeats, and none is the current one. */
function distinctFormers(pairs: [current: string, former: string][]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const [current, former] of pairs) {
      const all = [value[current], ...((value[former] as string[] | undefined) ?? [])];
      if (new Set(all).size !== all.length) {
        ctx.addIssue({
          code: 'custom',
          message: `must differ from ${current} and from each other`,
          path: [former],
        });
      }
    }
  };
}

/** A settlement's policy: the patient's, with this reference (and this insurer, if the patient has two). */
export const patientPolicyLookup = z
  .strictObject({ patientRef: hash, ...formerPatientRefs, policyRef: id, insurer: mspId.optional() })
  .superRefine(distinctFormers([['patientRef', 'formerPatientRefs']]));

/** A patient's cover on a date (the transaction's date in the ledger's calendar when none is given). */
export const eligibility = z
  .strictObject({ patientRef: hash, ...formerPatientRefs, date: date.optional() })
  .superRefine(distinctFormers([['patientRef', 'formerPatientRefs']]));

export const authorisationShape = {
  authorisationId: id,
  patientRef: hash,
  insurer: mspId,
  purpose: z.literal('CLAIM_SETTLEMENT'),
  validFrom: date,
  validTo: date,
  evidenceHash: hash.describe('SHA-256 of the signed consent document'),
};
export const authorisationBody = z.strictObject(authorisationShape).superRefine(validity);
export const recordAuthorisation = authorisationBody.extend(withActor);
/** `recordedBy` defaults to the caller; an insurer reading a hospital's record, or an auditor, names it. */
const recordedBy = { recordedBy: mspId.optional() };
export const authorisationLookup = z.strictObject({ authorisationId: id, ...recordedBy });

export const reasonBody = z.strictObject({ reason: text(TEXT_MAX_LENGTH.reason) });
export const revokeAuthorisation = reasonBody.extend({ ...withActor, authorisationId: id, ...recordedBy });

// ----- settlements -----

/** The fund's payments besides the three every settlement has (civil-servant subsidy, enterprise supplementary, other). */
export const OTHER_FUND_PAYMENTS = ['civilServantSubsidy', 'enterpriseSupplementary', 'other'] as const;

export const costs = z
  .strictObject({
    total: fen,
    fund: z.strictObject({
      pooled: fen,
      seriousIllness: fen,
      assistance: fen,
      civilServantSubsidy: fen.default(0),
      enterpriseSupplementary: fen.default(0),
      other: fen.default(0),
    }),
    inCatalogueSelfPay: fen,
    outOfCatalogue: fen,
    innovativeDrug: fen,
  })
  .superRefine((c, ctx) => {
    const parts = costsParts(c);
    if (parts !== c.total) {
      ctx.addIssue({
        code: 'custom',
        message: `must equal the sum of its parts (${parts})`,
        path: ['total'],
      });
    }
  });
/** As sent: the fund's other payments may be left out (records made before they existed lack them too). */
export type Costs = z.input<typeof costs>;

/** What the basic insurance funds paid: the sum of every `fund` field. */
export function fundShareOf(c: Pick<Costs, 'fund'>): number {
  return Object.values(c.fund).reduce((sum: number, amount) => sum + (amount ?? 0), 0);
}

export function costsParts(c: Costs): number {
  return fundShareOf(c) + c.inCatalogueSelfPay + c.outOfCatalogue + c.innovativeDrug;
}

/** What a settlement says besides its invoice, which the ledger takes as a hash and the gateway as a number. */
export const settlementDetailsShape = {
  settlementId: id,
  patientRef: hash,
  policyRef: id,
  /** Only when the patient holds policies with this reference from more than one insurer. */
  insurer: mspId.optional(),
  admissionDate: date,
  dischargeDate: date,
  mode: z.enum(SETTLEMENT_MODES),
  costs,
  /** The REVERSED settlement of this hospital and invoice that this one replaces. */
  supersedes: id.optional(),
  /** The earlier commercial settlement of this hospital and invoice whose patient share this one pays towards. */
  priorSettlement: id.optional(),
};
export const admissionNotAfterDischarge = notAfter('admissionDate', 'dischargeDate');
export const settlementItem = z
  .strictObject({
    ...settlementDetailsShape,
    invoiceHash: hash,
    ...formerPatientRefs,
    ...formerInvoiceHashes,
  })
  .superRefine(admissionNotAfterDischarge)
  .superRefine(
    distinctFormers([
      ['patientRef', 'formerPatientRefs'],
      ['invoiceHash', 'formerInvoiceHashes'],
    ]),
  );
export const submitSettlement = settlementItem.extend(withActor);
/**
 * Only the envelope is checked here: each item is checked on its own while the batch runs, so one bad item is
 * rejected without failing the others. A batch's items are settled with one insurer, whose peer alone (with the
 * hospital's) may read its policies.
 */
export const submitSettlementBatch = z.strictObject({
  ...withActor,
  insurer: mspId,
  items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
});

export const settlementKeyShape = { hospital: mspId, settlementId: id };
export const settlementKey = z.strictObject(settlementKeyShape);

export const payoutBody = z.strictObject({
  amount: fen,
  paidAt: dateOrInstant,
  paymentReference: text(TEXT_MAX_LENGTH.reference),
});
export const payout = payoutBody.extend({ ...withActor, ...settlementKeyShape });
/** One payment covering many settlements of one hospital: its reference and date, each settlement's amount. */
export const payoutBatchBody = z
  .strictObject({
    paymentReference: payoutBody.shape.paymentReference,
    paidAt: dateOrInstant,
    hospital: mspId,
    items: z
      .array(z.strictObject({ settlementId: id, amount: fen }))
      .min(1)
      .max(MAX_PAYOUT_ITEMS),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    for (const [index, item] of body.items.entries()) {
      if (seen.has(item.settlementId))
        ctx.addIssue({ code: 'custom', message: 'named twice', path: ['items', index, 'settlementId'] });
      seen.add(item.settlementId);
    }
  });
export const payoutBatch = payoutBatchBody.safeExtend(withActor);
export const remittanceKey = z.strictObject({
  hospital: mspId,
  insurer: mspId,
  paymentReference: payoutBody.shape.paymentReference,
});

/** A month of a hospital's and an insurer's statement (YYYY-MM, of the discharge dates). */
export const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
  .meta({ format: 'month' });
export const statementKeyShape = { hospital: mspId, insurer: mspId, month };
export const statementKey = z.strictObject(statementKeyShape);
export const statementLines = z.strictObject({ ...statementKeyShape, ...pageShape });
/** What a party agrees to: the hash of the list it read. */
export const confirmStatementBody = z.strictObject({ listHash: hash });
/** The gateway adds the settlements of the list it read, which the chaincode checks line by line. */
export const confirmStatement = confirmStatementBody.extend({
  ...withActor,
  ...statementKeyShape,
  settlementIds: z.array(id).max(MAX_STATEMENT_LINES),
});

/** A dispute or a reversal. */
export const settlementReason = reasonBody.extend({ ...withActor, ...settlementKeyShape });

/** The hospital's answer to a dispute: why the settlement stands, and the hash of what shows it. */
export const disputeAnswerBody = reasonBody.extend({
  evidenceHash: hash.describe('SHA-256 of the document the hospital answers with').optional(),
});
export const disputeAnswer = disputeAnswerBody.extend({ ...withActor, ...settlementKeyShape });
/** The insurer's decision on a dispute (withdraw or uphold), with its reason if it gives one. */
export const disputeDecisionBody = z.strictObject({ reason: text(TEXT_MAX_LENGTH.reason).optional() });
export const disputeDecision = disputeDecisionBody.extend({ ...withActor, ...settlementKeyShape });
/** Money taken back after a payout (追回): part or all of what was paid, identified by its reference. */
export const recoveryBody = z.strictObject({
  amount: fen.min(1),
  reason: text(TEXT_MAX_LENGTH.reason),
  reference: text(TEXT_MAX_LENGTH.reference),
  recoveredAt: dateOrInstant,
});
export const recovery = recoveryBody.extend({ ...withActor, ...settlementKeyShape });

/** Either the patient's policy (for a new settlement) or an existing settlement's key. */
export const endorsers = z.union([patientPolicyLookup, settlementKey]);

// ----- lists and audit -----

const period = { from: date.optional(), to: date.optional() };
const orderedPeriod = notAfter('from', 'to');
const settlementStatus = z.enum(SETTLEMENT_STATUSES);

export const listSettlements = z
  .strictObject({
    hospital: mspId.optional(),
    insurer: mspId.optional(),
    status: settlementStatus.optional(),
    ...period,
    ...pageShape,
  })
  .superRefine(orderedPeriod);
export const reconciliation = z
  .strictObject({ ...period, hospital: mspId.optional(), insurer: mspId.optional() })
  .superRefine(orderedPeriod);
/** The alerts that concern the caller, oldest first; dates filter the day an alert was raised. */
export const alerts = z
  .strictObject({
    type: z.enum(ALERT_TYPES).optional(),
    status: z.enum(ALERT_STATUSES).optional(),
    ...period,
    ...pageShape,
  })
  .superRefine(orderedPeriod);
export const alertLookup = z.strictObject({ alertId: z.string().regex(ID_PATTERN, 'an alert id') });
/** A regulator's decision on an open alert. */
export const triageBody = z.strictObject({
  status: z.enum(['CONFIRMED', 'DISMISSED']),
  note: text(TEXT_MAX_LENGTH.reason),
});
export const triageAlert = triageBody.extend({ ...withActor, alertId: alertLookup.shape.alertId });

// ----- request types -----
// What callers send (z.input, before defaults) where a field has a default; the parsed request otherwise.

export type Benefit = z.infer<typeof benefit>;
export type RegisterParticipantRequest = z.infer<typeof registerParticipant>;
export type PublishProductRequest = z.input<typeof publishProduct>;
export type GetProductRequest = z.infer<typeof getProduct>;
export type ListProductsRequest = z.infer<typeof listProducts>;
export type RegisterPolicyRequest = z.infer<typeof registerPolicy>;
export type EligibilityRequest = z.infer<typeof eligibility>;
export type RecordAuthorisationRequest = z.infer<typeof recordAuthorisation>;
export type RevokeAuthorisationRequest = z.infer<typeof revokeAuthorisation>;
export type SettlementItem = z.input<typeof settlementItem>;
export type SubmitSettlementRequest = z.input<typeof submitSettlement>;
export type SubmitSettlementBatchRequest = { actor: string; insurer: string; items: SettlementItem[] };
export type SettlementKey = z.infer<typeof settlementKey>;
export type PayoutRequest = z.infer<typeof payout>;
export type ReasonRequest = z.infer<typeof settlementReason>;
export type DisputeAnswerRequest = z.infer<typeof disputeAnswer>;
export type DisputeDecisionRequest = z.infer<typeof disputeDecision>;
export type RecoveryRequest = z.infer<typeof recovery>;
export type EndorsersRequest = z.infer<typeof endorsers>;
/** `insurer` only when the patient holds policies with this reference from more than one insurer. */
export type PatientPolicyRef = z.infer<typeof patientPolicyLookup>;
export type ListSettlementsRequest = z.infer<typeof listSettlements>;
export type ReconciliationRequest = z.infer<typeof reconciliation>;
export type AlertsRequest = z.infer<typeof alerts>;
export type TriageAlertRequest = z.infer<typeof triageAlert>;
