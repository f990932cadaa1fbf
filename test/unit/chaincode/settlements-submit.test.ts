import { expect } from 'chai';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { Tx, type Settlement, type SubmitSettlementResult } from '../../../chaincode/src/api';
import { EndorsementPolicyFailure, type FakeFabric } from './support/fake-fabric';
import {
  EXPECTED_COMMERCIAL_SHARE,
  H1,
  H2,
  I1,
  I2,
  OTHER_PATIENT,
  PATIENT,
  REG,
  STRANGER,
  authorisation,
  keyEndorsers,
  privateValue,
  policy,
  refused,
  refusedUnchanged,
  seeded,
  settlement,
  sha256,
  refusesBadInput,
  type BadInput,
} from './support/fixtures';

function recorded(result: SubmitSettlementResult): Settlement {
  if (result.outcome !== 'RECORDED') expect.fail(`expected RECORDED, got ${JSON.stringify(result)}`);
  return result.settlement;
}

const REVOKE_AUTH_1 = { actor: 'c', authorisationId: 'AUTH-1', reason: 'withdrawn' };

/** The first committed key of a record type, and its value. */
const keyOf = (fabric: FakeFabric, type: string): string =>
  [...fabric.state.keys()].find((k) => k.startsWith(`\u0000${type}\u0000`))!;
/** Insurer1's accumulators of POL-1 as its collection holds them, less the salt of the last write. */
function accumulators(fabric: FakeFabric): object {
  const { salt, ...value } = privateValue(fabric, 'policies_Insurer1MSP', 'accumulators', I1, 'POL-1')!;
  expect(salt).to.be.a('string');
  return value;
}

describe('Settlements:submit', () => {
  it('records the split, the product version, the actor and the status', async () => {
    const fabric = await seeded();
    const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
    expect(s).to.include({ hospital: H1, insurer: I1, productId: 'HUIMIN-2026', productVersion: 1 });
    expect(s.split).to.include({
      fundShare: 7000000,
      commercialShare: EXPECTED_COMMERCIAL_SHARE,
      reason: null,
    });
    expect(s.split.patientShare).to.equal(2300000);
    expect(s.status).to.equal('AWAITING_PAYOUT');
    expect(s.recordedBy).to.include({ mspId: H1, user: 'clerk-1' });
    expect(s.txId).to.equal(s.recordedBy.txId);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'SettlementRecorded',
      parties: [H1, I1],
      refs: [{ hospital: H1, settlementId: 'S-1' }],
      status: 'AWAITING_PAYOUT',
    });
  });

  it('takes the insurer named: a write reads one collection, by key; the lookup asks for it when two insurers match', async () => {
    const fabric = await seeded();
    await fabric.invoke(I2, Tx.registerPolicy, policy({ productId: 'ZHONGAN-2026' }));
    const { insurer: _insurer, ...unnamed } = settlement();
    const withoutInsurer = await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, unnamed),
      'VALIDATION_FAILED',
    );
    expect(withoutInsurer.message).to.contain("name the policy's insurer");
    const lookup = { patientRef: PATIENT, policyRef: 'POL-1' };
    const ambiguous = await refused(fabric.query(H1, Tx.settlementEndorsers, lookup), 'VALIDATION_FAILED');
    expect(ambiguous.message).to.contain('name the insurer');
    expect(await fabric.query(H1, Tx.settlementEndorsers, { ...lookup, insurer: I2 })).to.deep.equal({
      organisations: [H1, I2],
      insurer: I2,
    });
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ authorisationId: 'A-2', insurer: I2 }));
    const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement({ insurer: I2 })));
    expect(s).to.include({ insurer: I2, productId: 'ZHONGAN-2026', policyRef: 'POL-1' });
    expect(s.split.commercialShare).to.be.greaterThan(0);
  });

  describe('after a pseudonym key rotation', () => {
    // The policy, the consent and the first invoice were recorded under the former key's pseudonyms.
    const NEW_PATIENT = sha256('patient-1 under the new key');
    const rotated = { patientRef: NEW_PATIENT, formerPatientRefs: [PATIENT] };

    it("finds the patient's policy and consent under the former pseudonym", async () => {
      const fabric = await seeded();
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(H1, Tx.submitSettlement, settlement({ patientRef: NEW_PATIENT })),
        'VALIDATION_FAILED',
      );
      const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement(rotated)));
      expect(s).to.include({ patientRef: NEW_PATIENT, insurer: I1 });
      expect(s.split.reason).to.equal(null);
      expect(s).to.not.have.property('formerPatientRefs');
    });

    it("catches an invoice recorded under the former key's hash", async () => {
      const fabric = await seeded();
      recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
      const again = settlement({
        ...rotated,
        settlementId: 'S-2',
        invoiceHash: sha256('the same invoice under the new key'),
        formerInvoiceHashes: [settlement().invoiceHash],
      });
      const result = await fabric.invoke(H2, Tx.submitSettlement, again);
      if (result.outcome !== 'DUPLICATE_INVOICE') expect.fail(JSON.stringify(result));
      // Under the hash the invoice was recorded with, which links the alert to the earlier settlement.
      expect(result.alert.invoiceHash).to.equal(settlement().invoiceHash);
      expect(result.existing).to.deep.equal({ hospital: H1, settlementId: 'S-1' });
    });

    it('refuses a former pseudonym that repeats the current one or another former one', async () => {
      const fabric = await seeded();
      for (const formers of [
        { formerPatientRefs: [PATIENT] },
        { formerPatientRefs: [NEW_PATIENT, NEW_PATIENT] },
        { formerInvoiceHashes: [settlement().invoiceHash] },
      ]) {
        const request = settlement({ patientRef: PATIENT, ...formers });
        await refusedUnchanged(
          fabric,
          () => fabric.invoke(H1, Tx.submitSettlement, request),
          'VALIDATION_FAILED',
        );
      }
    });
  });

  it("requires both the hospital's and the insurer's peers for later changes of the settlement", async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const [, parameter] = [...fabric.validationParameters.entries()].find(([key]) =>
      key.includes('settlement'),
    )!;
    expect(new KeyEndorsementPolicy(parameter).listOrgs()).to.have.members([H1, I1]);
  });

  describe('endorsement at validation', () => {
    // Refused at validation, or already at endorsement when a peer outside the pair's collection cannot read
    // what the other endorser read there.
    const REFUSED = /^(ENDORSEMENT_POLICY_FAILURE|.*endorsements differ)$/;
    const endorsed = [
      [[H1, I1], /^RECORDED$/],
      [[I1, H2], REFUSED],
      [[I1, REG], REFUSED],
      [[H1, H2], REFUSED],
      [[H1, REG], REFUSED],
    ] as const;
    for (const [endorsers, expected] of endorsed) {
      it(`a new settlement endorsed by ${endorsers.join(' and ')}: ${expected.source}`, async () => {
        const fabric = await seeded();
        const before = fabric.snapshot();
        const outcome = await fabric
          .invokeEndorsedBy([...endorsers], H1, Tx.submitSettlement, settlement())
          .then((result) => result.outcome)
          .catch((error: Error) =>
            error instanceof EndorsementPolicyFailure ? error.transactionCode : error.message,
          );
        expect(outcome).to.match(expected);
        if (expected === REFUSED) expect(fabric.snapshot()).to.equal(before);
      });
    }

    it("an alert needs the hospital's peer too", async () => {
      const fabric = await seeded();
      await fabric.invoke(H1, Tx.submitSettlement, settlement());
      const again = settlement({ settlementId: 'S-2' });
      const error = await fabric
        .invokeEndorsedBy([I1, REG], H1, Tx.submitSettlement, again)
        .catch((e: EndorsementPolicyFailure) => e);
      expect(error).to.be.instanceOf(EndorsementPolicyFailure);
      const alert = await fabric.invokeEndorsedBy([H1, REG], H1, Tx.submitSettlement, again);
      expect(alert.outcome).to.equal('DUPLICATE_INVOICE');
    });

    it("each hospital's seal is created at its registration, owned by that hospital alone", async () => {
      const fabric = await seeded();
      expect(keyEndorsers(fabric, 'hospitalSeal', H1)).to.deep.equal([H1]);
      expect(keyEndorsers(fabric, 'hospitalSeal', H2)).to.deep.equal([H2]);
      expect(keyEndorsers(fabric, 'hospitalSeal', I1)).to.equal(undefined);
    });
  });

  it('updates the accumulators of the policy for the discharge year', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    expect(accumulators(fabric)).to.deep.equal({
      insurer: I1,
      policyRef: 'POL-1',
      years: {
        '2026': {
          deductibleUsed: { IN_CATALOGUE_SELF_PAY: 2000000, OUT_OF_CATALOGUE: 0, INNOVATIVE_DRUG: 0 },
          paid: { IN_CATALOGUE_SELF_PAY: 1200000, OUT_OF_CATALOGUE: 0, INNOVATIVE_DRUG: 0 },
          paidTotal: 1200000,
        },
      },
    });
    // The second settlement finds the deductible used up.
    const second = recorded(
      await fabric.invoke(
        H2,
        Tx.submitSettlement,
        settlement({ settlementId: 'S-2', invoiceHash: sha256('invoice-2') }),
      ),
    );
    expect(second.split.lines[0]).to.include({ deductibleApplied: 0, paid: 2800000 });
  });

  it('without consent the commercial share is 0 (NOTHING_DUE) and the accumulators are untouched', async () => {
    const fabric = await seeded({ consent: false });
    const before = accumulators(fabric);
    const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
    expect(s.split).to.include({ commercialShare: 0, reason: 'NO_CONSENT' });
    expect(s.status).to.equal('NOTHING_DUE');
    const after = accumulators(fabric) as { years: Record<string, { paidTotal: number }> };
    expect(after.years['2026'].paidTotal).to.equal(0);
    expect(before).to.deep.equal({ insurer: I1, policyRef: 'POL-1', years: {} });
  });

  const consentCases: [string, () => Parameters<typeof authorisation>[0], string?][] = [
    ['expired', () => ({ validTo: '2026-02-28' })],
    ['not yet valid', () => ({ validFrom: '2026-03-02' })],
    ['for another insurer', () => ({ insurer: I2 })],
    ['for another patient', () => ({ patientRef: OTHER_PATIENT })],
  ];
  for (const [label, change] of consentCases) {
    it(`an authorisation ${label} at the transaction time is no consent`, async () => {
      const fabric = await seeded({ consent: false });
      await fabric.invoke(H1, Tx.recordAuthorisation, authorisation(change()));
      const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
      expect(s.split.reason).to.equal('NO_CONSENT');
    });
  }

  it('a revoked authorisation is no consent; another valid one is', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.revokeAuthorisation, REVOKE_AUTH_1);
    expect(recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement())).split.reason).to.equal(
      'NO_CONSENT',
    );
    await fabric.invoke(I1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-2' }));
    const s = await fabric.invoke(
      H1,
      Tx.submitSettlement,
      settlement({ settlementId: 'S-2', invoiceHash: sha256('i2') }),
    );
    expect(recorded(s).split.reason).to.equal(null);
  });

  it('uses the latest product version, and keeps the version it used', async () => {
    const fabric = await seeded();
    await fabric.invoke(I1, Tx.publishProduct, {
      actor: 'a',
      productId: 'HUIMIN-2026',
      name: 'v2',
      annualCap: 100,
      benefits: [{ category: 'IN_CATALOGUE_SELF_PAY', deductible: 0, ratioBps: 10000 }],
    });
    const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
    expect(s.productVersion).to.equal(2);
    expect(s.split.commercialShare).to.equal(100);
  });

  it('the same settlement again is EXISTING and writes nothing; other content under its id is ID_CONFLICT', async () => {
    const fabric = await seeded();
    const first = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
    const before = fabric.snapshot();
    const again = await fabric.invoke(H1, Tx.submitSettlement, settlement({ actor: 'clerk-2' }));
    expect(again).to.deep.equal({ outcome: 'EXISTING', settlement: first });
    expect(fabric.snapshot()).to.equal(before);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, settlement({ mode: 'SERIES' })),
      'ID_CONFLICT',
    );
  });

  it('a used invoice hash records an alert instead, whichever hospital or id', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const settlementsBefore = [...fabric.state.keys()].filter((k) => k.includes('settlement')).length;
    const result = await fabric.invoke(H2, Tx.submitSettlement, settlement({ settlementId: 'OTHER' }));
    if (result.outcome !== 'DUPLICATE_INVOICE') expect.fail(JSON.stringify(result));
    expect(result.existing).to.deep.equal({ hospital: H1, settlementId: 'S-1' });
    expect(result.alert).to.deep.include({
      type: 'DUPLICATE_INVOICE',
      attempted: { hospital: H2, settlementId: 'OTHER', insurer: I1 },
      existing: { hospital: H1, settlementId: 'S-1' },
    });
    expect(result.alert.alertId).to.equal(fabric.events.at(-1)?.txId);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'DuplicateInvoice',
      // Both hospitals and the insurer: the alert concerns the attempt's parties and the earlier settlement's.
      parties: [H1, H2, I1],
      refs: [{ alertId: result.alert.alertId }],
    });
    expect([...fabric.state.keys()].filter((k) => k.includes('settlement')).length).to.equal(
      settlementsBefore,
    );
    const alerts = (await fabric.query(REG, Tx.listAlerts, {})).items;
    expect(alerts).to.deep.equal([result.alert]);
  });

  it('a retried duplicate answers its first alert and writes nothing; another attempt is another alert', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    const first = await fabric.invoke(H2, Tx.submitSettlement, settlement({ settlementId: 'OTHER' }));
    const before = fabric.snapshot();
    const retry = await fabric.invoke(
      H2,
      Tx.submitSettlement,
      settlement({ settlementId: 'OTHER', actor: 'x' }),
    );
    expect(retry).to.deep.equal(first);
    expect(fabric.snapshot()).to.equal(before);
    const other = await fabric.invoke(H2, Tx.submitSettlement, settlement({ settlementId: 'THIRD' }));
    expect(other.outcome === 'DUPLICATE_INVOICE' && other.alert.alertId).to.not.equal(
      first.outcome === 'DUPLICATE_INVOICE' && first.alert.alertId,
    );
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(2);
  });

  it('refuses a reused invoice with a bad policy or patient as bad input, without an alert', async () => {
    const fabric = await seeded();
    await fabric.invoke(H1, Tx.submitSettlement, settlement());
    for (const change of [{ policyRef: 'NO-SUCH-POLICY' }, { patientRef: OTHER_PATIENT }]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(H2, Tx.submitSettlement, settlement({ settlementId: 'S-2', ...change })),
        'VALIDATION_FAILED',
      );
    }
    expect((await fabric.query(REG, Tx.listAlerts, {})).items).to.have.length(0);
  });

  it('refuses a discharge after the transaction date in China Standard Time, writing nothing', async () => {
    const fabric = await seeded();
    // 23:59 on 26 February in Beijing; the discharge is dated the 27th.
    fabric.setTime('2026-02-26T15:59:00Z');
    const failure = await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, settlement()),
      'VALIDATION_FAILED',
    );
    expect(failure.body.message).to.contain('dischargeDate');
    // Midnight in Beijing, still the 26th in UTC.
    fabric.setTime('2026-02-26T16:00:00Z');
    expect((await fabric.invoke(H1, Tx.submitSettlement, settlement())).outcome).to.equal('RECORDED');
  });

  it('counts a consent valid from today in Beijing, in the hours when UTC is still on the day before', async () => {
    const fabric = await seeded({ consent: false });
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ validFrom: '2026-03-02' }));
    fabric.setTime('2026-03-01T17:00:00Z'); // 01:00 on 2 March in Beijing
    const s = recorded(await fabric.invoke(H1, Tx.submitSettlement, settlement()));
    expect(s.split.reason).to.equal(null);
  });

  it('hospitals submit; insurers, regulators and strangers are refused', async () => {
    const fabric = await seeded();
    for (const caller of [I1, I2, REG]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.submitSettlement, settlement()),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(STRANGER, Tx.submitSettlement, settlement()),
      'FORBIDDEN',
    );
  });

  const costs = settlement().costs;
  const bad: BadInput[] = [
    // One answer for both: a hospital cannot tell whether another patient holds the policy.
    ['an unknown policy', { policyRef: 'NONE' }, 'no policy NONE of this patient'],
    ['another patient than the policy', { patientRef: OTHER_PATIENT }, 'no policy POL-1 of this patient'],
    [
      'a discharge outside the policy',
      { admissionDate: '2025-12-20', dischargeDate: '2025-12-30' },
      'dischargeDate',
    ],
    ['discharge before admission', { admissionDate: '2026-02-28' }, 'admissionDate'],
    ['costs that do not add up', { costs: { ...costs, total: costs.total + 1 } }, 'costs.total'],
    ['fractional fen', { costs: { ...costs, total: 10500000.5, innovativeDrug: 0.5 } }, 'costs.total'],
    [
      'negative fen',
      { costs: { ...costs, outOfCatalogue: -1, total: costs.total - 1 } },
      'costs.outOfCatalogue',
    ],
    ['an amount over the limit', { costs: { ...costs, total: 100000000001 } }, 'costs.total'],
    [
      'a string amount',
      { costs: { ...costs, fund: { ...costs.fund, pooled: '6000000' } } },
      'costs.fund.pooled',
    ],
    ['an unknown mode', { mode: 'LATER' }, 'mode'],
    ['a raw invoice number', { invoiceHash: 'INV-2026-0001' }, 'invoiceHash'],
    ['a bad date', { dischargeDate: '2026-13-01' }, 'dischargeDate'],
    ['an unknown field', { diagnosis: 'J18.9' }, 'diagnosis'],
    ['a missing field', { costs: undefined }, 'costs'],
  ];
  refusesBadInput(seeded, H1, Tx.submitSettlement, settlement, bad);

  it('refuses a policy whose product record is missing (inconsistent state)', async () => {
    const fabric = await seeded();
    await fabric.invoke(I1, Tx.registerPolicy, policy({ policyRef: 'POL-2' }));
    fabric.state.delete(keyOf(fabric, 'product'));
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.submitSettlement, settlement({ policyRef: 'POL-2' })),
      'VALIDATION_FAILED',
    );
  });
});
