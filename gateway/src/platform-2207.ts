/**
 * The national medical insurance platform's settlement output (interface 2207) and cancellation (2208), as a
 * hospital's system receives and sends them, turned into this ledger's settlement and reversal. Mapping
 * (DESIGN.md "Interoperability"): total = medfee_sumamt; fund.pooled = hifp_pay; fund.seriousIllness =
 * hifmi_pay (residents) + hifob_pay (employees); fund.assistance = maf_pay; fund.civilServantSubsidy =
 * cvlserv_pay; fund.enterpriseSupplementary = hifes_pay; fund.other = oth_pay + hifdm_pay (the disabled
 * servicemen's fund, in later versions of the interface); outOfCatalogue + innovativeDrug = fulamt_ownpay_amt +
 * overlmt_selfpay, innovativeDrug being what the hospital's line items flag; inCatalogueSelfPay = psn_part_amt
 * less those; settlementId = setl_id; invoice number = invono.
 *
 * Amounts there are yuan with at most two decimals, as JSON numbers or strings; they become integer fen through
 * their decimal digits, never through floating-point arithmetic. A 2207 whose figures do not add up is refused
 * naming the field at fault. Personal fields (name, identity number, birth date...) are accepted as the platform
 * sends them and go no further than this module.
 */
import { z } from 'zod';
import { date, fen, id, MAX_FEN } from '@settlement/chaincode/dist/schemas';

/** Yuan as the platform writes them: digits, then at most two decimals; no sign, no exponent. */
const YUAN_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;

/**
 * A number's shortest decimal form (JavaScript's), which for any amount of at most 15 significant digits is the
 * text it was written as: 12.3 and 12.30 both read "12.3", while 0.1 + 0.2 would read "0.30000000000000004".
 */
const decimalText = (value: number | string): string => (typeof value === 'number' ? String(value) : value);

/** Integer fen of a yuan amount with at most two decimals, or undefined when it is not one. */
export function yuanToFen(value: number | string): number | undefined {
  const text = decimalText(value);
  const match = YUAN_PATTERN.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? '.').slice(1).padEnd(2, '0');
  const fenValue = Number(match[1]) * 100 + Number(fraction);
  return Number.isSafeInteger(fenValue) && fenValue <= MAX_FEN ? fenValue : undefined;
}

/** Yuan with two decimals, as text, of an amount in fen. */
export function fenToYuan(amount: number): string {
  return `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
}

const yuan = z
  .union([z.number(), z.string().max(20)])
  .refine((value) => yuanToFen(value) !== undefined, {
    message: `yuan: not negative, at most two decimals and at most ${MAX_FEN / 100} (e.g. 1234.56)`,
  })
  .meta({ description: 'yuan with at most two decimals, as a number or a string' });
const code = z.string().max(100);
const codeOrNumber = z.union([z.string().max(30), z.number()]);

/** The settlement summary (setlinfo): the fields of the platform's interface specification. */
export const setlinfo = z.strictObject({
  setl_id: id.describe('结算ID: becomes the settlementId'),
  mdtrt_id: code.optional(),
  psn_no: code.optional(),
  psn_name: code.optional(),
  psn_cert_type: code.optional(),
  certno: code.optional(),
  gend: code.optional(),
  naty: code.optional(),
  brdy: code.optional(),
  age: codeOrNumber.optional(),
  insutype: code.optional(),
  psn_type: code.optional(),
  cvlserv_flag: code.optional(),
  setl_time: code.optional(),
  mdtrt_cert_type: code.optional(),
  med_type: code.optional(),
  begndate: code.optional(),
  enddate: code.optional(),
  invono: code.optional(),
  medfee_sumamt: yuan,
  fulamt_ownpay_amt: yuan,
  overlmt_selfpay: yuan,
  preselfpay_amt: yuan.optional(),
  inscp_scp_amt: yuan.optional(),
  act_pay_dedc: yuan.optional(),
  hifp_pay: yuan,
  pool_prop_selfpay: codeOrNumber.optional(),
  cvlserv_pay: yuan.optional(),
  hifes_pay: yuan.optional(),
  hifmi_pay: yuan.optional(),
  hifob_pay: yuan.optional(),
  hifdm_pay: yuan.optional(),
  maf_pay: yuan.optional(),
  oth_pay: yuan.optional(),
  fund_pay_sumamt: yuan,
  psn_part_amt: yuan,
  acct_pay: yuan.optional(),
  psn_cash_pay: yuan.optional(),
  hosp_part_amt: yuan.optional(),
  balc: yuan.optional(),
  acct_mulaid_pay: yuan.optional(),
  medins_setl_id: code.optional(),
  clr_optins: code.optional(),
  clr_way: code.optional(),
  clr_type: code.optional(),
});

/** One fund's part of the payment (setldetail). */
export const setldetail = z.strictObject({
  fund_pay_type: code,
  inscp_scp_amt: yuan.optional(),
  crt_payb_lmt_amt: yuan.optional(),
  fund_payamt: yuan,
  fund_pay_type_name: code.optional(),
  setl_proc_info: code.optional(),
});

/** The fund payments, whose sum is fund_pay_sumamt. */
const FUND_FIELDS = [
  'hifp_pay',
  'cvlserv_pay',
  'hifes_pay',
  'hifmi_pay',
  'hifob_pay',
  'hifdm_pay',
  'maf_pay',
  'oth_pay',
] as const;

type Setlinfo = z.output<typeof setlinfo>;
/** The amounts the mapping and the checks read. */
type AmountField =
  | 'medfee_sumamt'
  | 'fulamt_ownpay_amt'
  | 'overlmt_selfpay'
  | (typeof FUND_FIELDS)[number]
  | 'fund_pay_sumamt'
  | 'psn_part_amt'
  | 'acct_pay'
  | 'acct_mulaid_pay'
  | 'psn_cash_pay'
  | 'hosp_part_amt';

/** An amount of the summary in fen; 0 when the platform left it out. */
const fenOf = (info: Setlinfo, field: AmountField): number => {
  const value = info[field];
  return value === undefined ? 0 : (yuanToFen(value) as number);
};

export const output2207 = z
  .strictObject({ setlinfo, setldetail: z.array(setldetail).max(50).optional() })
  .superRefine((output, ctx) => {
    // Amounts that are not yuan are reported by their own fields; the sums only check well-formed ones.
    if (!setlinfo.safeParse(output.setlinfo).success) return;
    const info = output.setlinfo;
    const at = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', message, path: ['setlinfo', field] });
    const sum = (fields: readonly AmountField[]) => fields.reduce((total, f) => total + fenOf(info, f), 0);
    const funds = sum(FUND_FIELDS);
    if (funds !== fenOf(info, 'fund_pay_sumamt'))
      at('fund_pay_sumamt', `must equal the sum of the fund payments (${fenToYuan(funds)})`);
    if (fenOf(info, 'hosp_part_amt') !== 0)
      at('hosp_part_amt', 'a part borne by the hospital has no place in a settlement: settle without it');
    const parts = fenOf(info, 'fund_pay_sumamt') + fenOf(info, 'psn_part_amt');
    if (parts !== fenOf(info, 'medfee_sumamt'))
      at('medfee_sumamt', `must equal fund_pay_sumamt + psn_part_amt (${fenToYuan(parts)})`);
    const selfPaid = sum(['fulamt_ownpay_amt', 'overlmt_selfpay']);
    if (selfPaid > fenOf(info, 'psn_part_amt'))
      at(
        'psn_part_amt',
        `must not be less than fulamt_ownpay_amt + overlmt_selfpay (${fenToYuan(selfPaid)})`,
      );
    if (info.psn_cash_pay !== undefined) {
      const paid = sum(['acct_pay', 'acct_mulaid_pay', 'psn_cash_pay']);
      if (paid !== fenOf(info, 'psn_part_amt'))
        at(
          'psn_cash_pay',
          `acct_pay + acct_mulaid_pay + psn_cash_pay must equal psn_part_amt (${fenToYuan(paid)})`,
        );
    }
    const details = output.setldetail ?? [];
    if (details.length > 0 && details.every((d) => yuanToFen(d.fund_payamt) !== undefined)) {
      const detailed = details.reduce((total, d) => total + (yuanToFen(d.fund_payamt) as number), 0);
      if (detailed !== funds)
        ctx.addIssue({
          code: 'custom',
          message: `the fund_payamt of the rows must add up to fund_pay_sumamt (they make ${fenToYuan(detailed)})`,
          path: ['setldetail'],
        });
    }
  });
export type Output2207 = z.output<typeof output2207>;

/**
 * The settlement's costs from a 2207 output that passed output2207, with `innovativeDrug` fen of the fully
 * self-paid amount on the innovative-drug catalogue (undefined when it exceeds that amount).
 */
export function costsOf2207(output: Output2207, innovativeDrug: number) {
  const info = output.setlinfo;
  const f = (field: AmountField) => fenOf(info, field);
  const selfPaid = f('fulamt_ownpay_amt') + f('overlmt_selfpay');
  if (innovativeDrug > selfPaid) return undefined;
  return {
    total: f('medfee_sumamt'),
    fund: {
      pooled: f('hifp_pay'),
      seriousIllness: f('hifmi_pay') + f('hifob_pay'),
      assistance: f('maf_pay'),
      civilServantSubsidy: f('cvlserv_pay'),
      enterpriseSupplementary: f('hifes_pay'),
      other: f('oth_pay') + f('hifdm_pay'),
    },
    inCatalogueSelfPay: f('psn_part_amt') - selfPaid,
    outOfCatalogue: selfPaid - innovativeDrug,
    innovativeDrug,
  };
}

/** A date of the platform (yyyy-MM-dd, or yyyy-MM-dd HH:mm:ss) as a date, if it is one. */
export function platformDate(value: string | undefined): string | undefined {
  const day = value?.slice(0, 10);
  return day !== undefined && date.safeParse(day).success ? day : undefined;
}

export const innovativeDrugFen = fen.describe(
  'fen of the fully self-paid amount (fulamt_ownpay_amt + overlmt_selfpay) on the innovative-drug catalogue, from the line items',
);

/** A 2208 cancellation as the hospital sent it to the platform: the settlement it cancels. */
export const cancellation2208 = z.strictObject({
  setl_id: id,
  mdtrt_id: code.optional(),
  psn_no: code.optional(),
});
