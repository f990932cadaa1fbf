/** Organisations, a bootstrapped ledger and well-formed requests, so each test states only what it varies. */
import { expect } from 'chai';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { createHash } from 'node:crypto';
import {
  Tx,
  type ErrorCode,
  type ParticipantKind,
  type PublishProductRequest,
  type RecordAuthorisationRequest,
  type RegisterPolicyRequest,
  type SubmitSettlementBatchRequest,
  type SubmitSettlementRequest,
  type TxName,
} from '../../../../chaincode/src/api';

type SettlementItem = SubmitSettlementBatchRequest['items'][number];
import { ChaincodeFailure, FakeFabric, privateSlot } from './fake-fabric';

export const H1 = 'Hospital1MSP';
export const H2 = 'Hospital2MSP';
export const I1 = 'Insurer1MSP';
export const I2 = 'Insurer2MSP';
export const REG = 'RegulatorMSP';
/** Has a certificate from a channel organisation but is not in the participants registry. */
export const STRANGER = 'StrangerMSP';

export const KINDS: Record<string, ParticipantKind> = {
  [H1]: 'HOSPITAL',
  [H2]: 'HOSPITAL',
  [I1]: 'INSURER',
  [I2]: 'INSURER',
  [REG]: 'REGULATOR',
};
export const ALL_CALLERS = [H1, H2, I1, I2, REG, STRANGER];

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const PATIENT = sha256('patient-1');
export const OTHER_PATIENT = sha256('patient-2');

export async function bootstrapped(): Promise<FakeFabric> {
  const fabric = new FakeFabric();
  fabric.setTime('2026-03-01T08:00:00Z');
  for (const [mspId, kind] of Object.entries(KINDS)) {
    await fabric.invoke(REG, Tx.registerParticipant, { actor: 'ops', mspId, kind, name: `${mspId} org` });
  }
  return fabric;
}

export const product = (overrides: Partial<PublishProductRequest> = {}): PublishProductRequest => ({
  actor: 'adjuster-1',
  productId: 'HUIMIN-2026',
  name: 'Hui Min Bao 2026',
  annualCap: 300000000,
  benefits: [
    { category: 'IN_CATALOGUE_SELF_PAY', deductible: 2000000, ratioBps: 8000 },
    { category: 'OUT_OF_CATALOGUE', deductible: 2000000, ratioBps: 6000 },
    { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000, annualCap: 100000000 },
  ],
  ...overrides,
});

export const policy = (overrides: Partial<RegisterPolicyRequest> = {}): RegisterPolicyRequest => ({
  actor: 'adjuster-1',
  policyRef: 'POL-1',
  productId: 'HUIMIN-2026',
  patientRef: PATIENT,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  ...overrides,
});

export const authorisation = (
  overrides: Partial<RecordAuthorisationRequest> = {},
): RecordAuthorisationRequest => ({
  actor: 'clerk-1',
  authorisationId: 'AUTH-1',
  patientRef: PATIENT,
  insurer: I1,
  purpose: 'CLAIM_SETTLEMENT',
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  evidenceHash: sha256('signed consent form'),
  ...overrides,
});

/** A settlement as a batch item (no actor). Crosses the in-catalogue deductible: 1,200,000 fen with consent. */
export const settlementItem = (overrides: Partial<SettlementItem> = {}): SettlementItem => ({
  settlementId: 'S-1',
  patientRef: PATIENT,
  policyRef: 'POL-1',
  invoiceHash: sha256('invoice-1'),
  admissionDate: '2026-02-20',
  dischargeDate: '2026-02-27',
  mode: 'PARALLEL',
  costs: {
    total: 10500000,
    fund: { pooled: 6000000, seriousIllness: 1000000, assistance: 0 },
    inCatalogueSelfPay: 3500000,
    outOfCatalogue: 0,
    innovativeDrug: 0,
  },
  ...overrides,
});

/** A settlement as submitted alone, naming its policy's insurer as the gateway does. */
export const settlement = (overrides: Partial<SubmitSettlementRequest> = {}): SubmitSettlementRequest => ({
  actor: 'clerk-1',
  ...settlementItem(),
  insurer: I1,
  ...overrides,
});
export const EXPECTED_COMMERCIAL_SHARE = 1200000;

/** Participants, and a product of each insurer: both insurers serve policies and take consents. */
export async function serving(): Promise<FakeFabric> {
  const fabric = await bootstrapped();
  await fabric.invoke(I1, Tx.publishProduct, product());
  await fabric.invoke(I2, Tx.publishProduct, product({ productId: 'ZHONGAN-2026' }));
  return fabric;
}

/** Participants, both insurers' products, Insurer1's policy, and the patient's consent for Insurer1. */
export async function seeded(options: { consent?: boolean } = {}): Promise<FakeFabric> {
  const fabric = await serving();
  await fabric.invoke(I1, Tx.registerPolicy, policy());
  if (options.consent ?? true) await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
  return fabric;
}

/** As seeded, and the patient also holds Insurer2's policy POL-2, with consent. */
export async function seededWithTwoPolicies(): Promise<FakeFabric> {
  const fabric = await seeded();
  await fabric.invoke(I2, Tx.registerPolicy, policy({ policyRef: 'POL-2', productId: 'ZHONGAN-2026' }));
  await fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-2', insurer: I2 }));
  return fabric;
}

/**
 * The organisations whose peers the key-level policy of a composite key (type and attributes) requires,
 * sorted; undefined when the key has none.
 */
export function keyEndorsers(
  fabric: FakeFabric,
  type: string,
  ...attributes: string[]
): string[] | undefined {
  const parameter = fabric.validationParameters.get(compositeKey(type, ...attributes));
  return parameter && new KeyEndorsementPolicy(parameter).listOrgs().sort();
}

/** As keyEndorsers, for a key of a private data collection. */
export function privateKeyEndorsers(
  fabric: FakeFabric,
  collection: string,
  type: string,
  ...attributes: string[]
): string[] | undefined {
  const parameter = fabric.validationParameters.get(
    privateSlot(collection, compositeKey(type, ...attributes)),
  );
  return parameter && new KeyEndorsementPolicy(parameter).listOrgs().sort();
}

export const compositeKey = (type: string, ...attributes: string[]): string =>
  `\u0000${[type, ...attributes].map((part) => `${part}\u0000`).join('')}`;

/** The value of a private key, as stored (with its salt); undefined when there is none. */
export function privateValue(
  fabric: FakeFabric,
  collection: string,
  type: string,
  ...attributes: string[]
): Record<string, unknown> | undefined {
  const value = fabric.privateState.get(privateSlot(collection, compositeKey(type, ...attributes)));
  return value && (JSON.parse(value.toString('utf8')) as Record<string, unknown>);
}

/** Asserts the call is refused with `code`. */
export async function refused(call: Promise<unknown>, code: ErrorCode): Promise<ChaincodeFailure> {
  try {
    await call;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(ChaincodeFailure);
    expect((error as ChaincodeFailure).body.code, (error as Error).message).to.equal(code);
    return error as ChaincodeFailure;
  }
  expect.fail(`expected ${code}, but the call succeeded`);
}

/** Asserts the call is refused with `code` and leaves the ledger exactly as it was. */
export async function refusedUnchanged(
  fabric: FakeFabric,
  call: () => Promise<unknown>,
  code: ErrorCode,
): Promise<ChaincodeFailure> {
  const before = fabric.snapshot();
  const failure = await refused(call(), code);
  expect(fabric.snapshot()).to.equal(before);
  return failure;
}

/** Asserts the write is answered as already made (created: false) and leaves the ledger exactly as it was. */
export async function replayedUnchanged(
  fabric: FakeFabric,
  call: () => Promise<{ created: boolean }>,
): Promise<void> {
  const before = fabric.snapshot();
  expect((await call()).created).to.equal(false);
  expect(fabric.snapshot()).to.equal(before);
}

/** A malformed request: what is wrong, the fields that make it so, the field the error must name. */
export type BadInput = [label: string, change: Record<string, unknown>, field: string];

/**
 * One test per case: `caller` sends `tx` with a well-formed request changed by the case, on a ledger from
 * `setup`; it is refused VALIDATION_FAILED naming the field, and the ledger is left as it was.
 */
export function refusesBadInput(
  setup: () => Promise<FakeFabric>,
  caller: string,
  tx: TxName,
  request: () => object,
  cases: readonly BadInput[],
): void {
  for (const [label, change, field] of cases) {
    it(`refuses ${label}, naming ${field}, writing nothing`, async () => {
      const fabric = await setup();
      const failure = await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, tx, { ...request(), ...change }),
        'VALIDATION_FAILED',
      );
      expect(failure.body.message).to.contain(field);
    });
  }
}
