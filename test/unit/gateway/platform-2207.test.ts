import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_FEN } from '@settlement/chaincode/dist/schemas';
import { fenToYuan, output2207, yuanToFen } from '../../../gateway/src/platform-2207';
import { from2207Body, settlementOf2207 } from '../../../gateway/src/schemas';
import { VECTORS_2207 } from '../../vectors/load';

/** The issues of a refused 2207 body, as "path: message". */
function issuesOf(body: unknown): string[] {
  const result = from2207Body.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const withInfo = (changes: Record<string, unknown>) => {
  const { output } = VECTORS_2207[1];
  return {
    mode: 'PARALLEL',
    policyRef: 'P-1',
    invoiceNumber: VECTORS_2207[1].invoiceNumber,
    output: { ...output, setlinfo: { ...output.setlinfo, ...changes } },
  };
};

describe('the national platform 2207 output', () => {
  it('converts any amount of yuan with two decimals to fen and back exactly, as number or as text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_FEN }), (fen) => {
        const text = fenToYuan(fen);
        expect(yuanToFen(text)).to.equal(fen);
        expect(yuanToFen(Number(text))).to.equal(fen);
        expect(fenToYuan(yuanToFen(text) as number)).to.equal(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses more than two decimals, signs, exponents and amounts beyond the ledger', () => {
    for (const bad of [
      1.005,
      '1.005',
      -1,
      '-0.01',
      '1e3',
      1e21,
      '01.00',
      '',
      ' 1',
      '1.',
      MAX_FEN / 100 + 0.01,
    ])
      expect(yuanToFen(bad), String(bad)).to.equal(undefined);
    expect(yuanToFen(0.1 + 0.2)).to.equal(undefined);
    expect(yuanToFen('12.3')).to.equal(1230);
  });

  for (const vector of VECTORS_2207) {
    it(`records exactly the expected fen: ${vector.name}`, () => {
      const { output, innovativeDrug, invoiceNumber } = vector;
      const body = from2207Body.parse({ output, mode: 'SERIES', innovativeDrug, invoiceNumber });
      const settlement = settlementOf2207(body);
      expect(settlement).to.deep.include(vector.expect);
      // The patient comes from the resident identity card the output names; no other personal field goes on.
      expect(settlement).to.have.property('patient').that.deep.equals({
        idType: 'RESIDENT_ID',
        idNumber: vector.output.setlinfo.certno,
      });
      for (const field of ['psn_no', 'psn_name', 'brdy', 'mdtrt_id']) {
        const value = vector.output.setlinfo[field];
        if (value !== undefined) expect(JSON.stringify(settlement)).not.to.include(String(value));
      }
    });
  }

  it('refuses figures that do not add up, naming the field at fault', () => {
    expect(issuesOf(withInfo({ hifp_pay: '15200.56' }))).to.deep.equal([
      'output.setlinfo.fund_pay_sumamt: must equal the sum of the fund payments (18750.81)',
    ]);
    expect(issuesOf(withInfo({ medfee_sumamt: '23410.81' }))).to.deep.equal([
      'output.setlinfo.medfee_sumamt: must equal fund_pay_sumamt + psn_part_amt (23410.80)',
    ]);
    expect(issuesOf(withInfo({ psn_cash_pay: '3160.01' }))[0]).to.match(/^output\.setlinfo\.psn_cash_pay: /);
    expect(issuesOf(withInfo({ fulamt_ownpay_amt: '4660.01' }))[0]).to.match(
      /^output\.setlinfo\.psn_part_amt: /,
    );
    expect(issuesOf(withInfo({ hosp_part_amt: '1.00' }))[0]).to.match(/^output\.setlinfo\.hosp_part_amt: /);
    const rows = { ...VECTORS_2207[0].output, setldetail: [{ fund_pay_type: '310100', fund_payamt: 1 }] };
    expect(issuesOf({ mode: 'PARALLEL', output: rows })).to.deep.equal([
      'output.setldetail: the fund_payamt of the rows must add up to fund_pay_sumamt (they make 1.00)',
    ]);
  });

  it('refuses amounts that are not yuan, unknown fields, and an innovative-drug part larger than the self-paid one', () => {
    expect(issuesOf(withInfo({ hifp_pay: 15200.555 }))[0]).to.match(/^output\.setlinfo\.hifp_pay: yuan/);
    expect(issuesOf(withInfo({ maf_pay: -1 }))[0]).to.match(/^output\.setlinfo\.maf_pay: yuan/);
    expect(issuesOf(withInfo({ bonus_pay: 1 }))[0]).to.match(/^output\.setlinfo: /);
    expect(issuesOf({ ...withInfo({}), innovativeDrug: 98001 })).to.deep.equal([
      'innovativeDrug: must not exceed fulamt_ownpay_amt + overlmt_selfpay',
    ]);
    expect(output2207.safeParse({ setlinfo: VECTORS_2207[1].output.setlinfo, extra: [] }).success).to.equal(
      false,
    );
  });

  it('needs the patient, the invoice and the dates from the body when the output does not give them', () => {
    const bare = {
      ...withInfo({ psn_cert_type: '02', begndate: undefined, enddate: undefined }),
      invoiceNumber: undefined,
    };
    expect(issuesOf(bare).map((issue) => issue.split(':')[0])).to.have.members([
      'patient',
      'invoiceNumber',
      'admissionDate',
      'dischargeDate',
    ]);
    const complete = {
      ...bare,
      patientRef: 'a'.repeat(64),
      invoiceNumber: '123456781234567890',
      admissionDate: '2026-02-16',
      dischargeDate: '2026-02-20',
    };
    expect(issuesOf(complete)).to.deep.equal([]);
  });
});
