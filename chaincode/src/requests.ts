/**
 * The shape and the self-contained rules of every transaction's request (no ledger reads here): what a request
 * must look like before any state is touched.
 */
import {
  BENEFIT_CATEGORIES,
  MAX_BATCH_ITEMS,
  MAX_PAGE_SIZE,
  MAX_RATIO_BPS,
  SETTLEMENT_STATUSES,
  TEXT_MAX_LENGTH,
  costsAddUp,
  costsParts,
  type AlertsRequest,
  type Benefit,
  type Costs,
  type EndorsersRequest,
  type GetProductRequest,
  type ListSettlementsRequest,
  type PayoutRequest,
  type PublishProductRequest,
  type ReasonRequest,
  type ReconciliationRequest,
  type RecordAuthorisationRequest,
  type RegisterParticipantRequest,
  type RegisterPolicyRequest,
  type RevokeAuthorisationRequest,
  type SettlementKey,
  type SubmitSettlementRequest,
} from './api';
import { validationFailed } from './errors';
import {
  amount,
  array,
  date,
  dateOrInstant,
  ensure,
  hash,
  id,
  integer,
  join,
  mspId,
  object,
  oneOf,
  optional,
  text,
  type Check,
} from './validation';

export const DEFAULT_PAGE_SIZE = 20;

const actor = text(TEXT_MAX_LENGTH.actor);
const name = text(TEXT_MAX_LENGTH.name);
const reason = text(TEXT_MAX_LENGTH.reason);
const patientRef = hash;
const ratioBps = integer(0, MAX_RATIO_BPS);

/** Adds a cross-field rule to a shape check; the rule gets the object's path to name fields by. */
function refine<T>(check: Check<T>, rule: (value: T, path: string) => void): Check<T> {
  return (value, path) => {
    const checked = check(value, path);
    rule(checked, path);
    return checked;
  };
}

/** A rule that the field named `from` is not after the one named `to` (absent fields pass). */
function ordered<F extends string, T extends string>(from: F, to: T) {
  return (value: Partial<Record<F | T, string>>, path: string): void => {
    const [start, end] = [value[from], value[to]];
    ensure(
      start === undefined || end === undefined || start <= end,
      `${join(path, from)} must not be after ${join(path, to)}`,
    );
  };
}

export const registerParticipant: Check<RegisterParticipantRequest> = object({
  actor,
  mspId,
  kind: oneOf(['HOSPITAL', 'INSURER', 'REGULATOR'] as const),
  name,
});

const benefit: Check<Benefit> = object({
  category: oneOf(BENEFIT_CATEGORIES),
  deductible: amount,
  ratioBps,
  annualCap: optional(amount),
});

export const publishProduct: Check<PublishProductRequest> = refine(
  object({
    actor,
    productId: id,
    name,
    annualCap: amount,
    benefits: array(benefit, 1, BENEFIT_CATEGORIES.length),
  }),
  (request, path) => {
    const seen = new Set<string>();
    request.benefits.forEach((b, index) => {
      const field = join(path, `benefits[${index}].category`);
      if (seen.has(b.category)) throw validationFailed(`${field} ${b.category} appears twice`);
      seen.add(b.category);
    });
  },
);

export const getProduct: Check<GetProductRequest> = object({
  productId: id,
  version: optional(integer(1, Number.MAX_SAFE_INTEGER)),
});

const validity = <T extends { validFrom: string; validTo: string }>(check: Check<T>): Check<T> =>
  refine(check, ordered('validFrom', 'validTo'));

export const registerPolicy: Check<RegisterPolicyRequest> = validity(
  object({ actor, policyRef: id, productId: id, patientRef, validFrom: date, validTo: date }),
);
export const policyLookup: Check<{ policyRef: string }> = object({ policyRef: id });

export const recordAuthorisation: Check<RecordAuthorisationRequest> = validity(
  object({
    actor,
    authorisationId: id,
    patientRef,
    insurer: mspId,
    purpose: oneOf(['CLAIM_SETTLEMENT'] as const),
    validFrom: date,
    validTo: date,
    evidenceHash: hash,
  }),
);
export const revokeAuthorisation: Check<RevokeAuthorisationRequest> = object({
  actor,
  authorisationId: id,
  reason,
});
export const authorisationLookup: Check<{ authorisationId: string }> = object({ authorisationId: id });

const costs: Check<Costs> = refine(
  object({
    total: amount,
    fund: object({ pooled: amount, seriousIllness: amount, assistance: amount }),
    inCatalogueSelfPay: amount,
    outOfCatalogue: amount,
    innovativeDrug: amount,
  }),
  (c, path) =>
    ensure(
      costsAddUp(c),
      `${join(path, 'total')} (${c.total}) must equal the sum of its parts (${costsParts(c)})`,
    ),
);

const settlementFields = {
  settlementId: id,
  patientRef,
  policyRef: id,
  invoiceHash: hash,
  admissionDate: date,
  dischargeDate: date,
  mode: oneOf(['PARALLEL', 'SERIES'] as const),
  costs,
};
const admissionBeforeDischarge = ordered('admissionDate', 'dischargeDate');

export type SettlementItem = Omit<SubmitSettlementRequest, 'actor'>;
export const settlementItem: Check<SettlementItem> = refine(
  object(settlementFields),
  admissionBeforeDischarge,
);
export const submitSettlement: Check<SubmitSettlementRequest> = refine(
  object({ actor, ...settlementFields }),
  admissionBeforeDischarge,
);
/**
 * Only the envelope is checked here: each item is checked on its own while the batch runs, so one bad item
 * is rejected without failing the others.
 */
export const submitSettlementBatch: Check<{ actor: string; items: unknown[] }> = object({
  actor,
  items: array((value: unknown) => value, 1, MAX_BATCH_ITEMS),
});

const settlementKeyFields = { hospital: mspId, settlementId: id };
export const settlementKey: Check<SettlementKey> = object(settlementKeyFields);
export const payout: Check<PayoutRequest> = object({
  actor,
  ...settlementKeyFields,
  amount,
  paidAt: dateOrInstant,
  paymentReference: text(TEXT_MAX_LENGTH.reference),
});
export const reasonRequest: Check<ReasonRequest> = object({ actor, ...settlementKeyFields, reason });

export const endorsers: Check<EndorsersRequest> = (value, path) =>
  value !== null && typeof value === 'object' && 'policyRef' in value
    ? policyLookup(value, path)
    : settlementKey(value, path);

/** Opaque to callers; the list checks it lies inside the range the caller may scan. */
const bookmark: Check<string> = (value, path) => {
  if (typeof value === 'string' && value.length <= 1024) return value;
  throw validationFailed(`${path} must be a bookmark returned by an earlier page`);
};

const period = { from: optional(date), to: optional(date) };
const orderedPeriod = ordered('from', 'to');

export const listSettlements: Check<ListSettlementsRequest> = refine(
  object({
    hospital: optional(mspId),
    insurer: optional(mspId),
    status: optional(oneOf(SETTLEMENT_STATUSES)),
    ...period,
    limit: optional(integer(1, MAX_PAGE_SIZE)),
    bookmark: optional(bookmark),
  }),
  orderedPeriod,
);

export const reconciliation: Check<ReconciliationRequest> = refine(
  object({ ...period, hospital: optional(mspId), insurer: optional(mspId) }),
  orderedPeriod,
);
export const alerts: Check<AlertsRequest> = refine(object(period), orderedPeriod);
