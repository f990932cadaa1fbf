/**
 * Loads a small, realistic data set through the gateways' public API, as any client would, so that the console
 * and the API show something from the first minute: city "Hui Min Bao" products and an innovative-drug product,
 * three dozen patients with policies and consents at every hospital, three months of settlements across every
 * hospital and insurer, bulk payouts, disputes (answered, withdrawn, upheld), a reversal and its resubmission,
 * a reused invoice and an overlapping stay (alerts), and the oldest month's statements confirmed by both sides.
 *
 * Every id is fixed, and writes are idempotent by id: loading again changes nothing (records loaded on an earlier
 * day, whose dates differ, are kept as they are).
 * Usage: ts-node scripts/demo-data.ts [--run-dir DIR]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RUN_DIR, keyDir, keyFiles } from '../network/profiles/dev-keys';
import { mintToken } from '../network/profiles/token';
import { gatewayUrlOf, readTopology, type OrgNode } from '../network/profiles/topology';
import { ROLE_OF_KIND } from '../gateway/src/membership';
import type { Settlement } from '../chaincode/src/api';
import { mapLimit } from '../bench/src/load';

const PATIENTS = 36;
const CONCURRENCY = 4;

interface Org extends OrgNode {
  token: string;
  url: string;
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, read where their shape is known
  body: any;
}

async function call(org: Org, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(org.url + path, {
    method,
    headers: {
      authorization: `Bearer ${org.token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A write that must succeed (201 written, 200 already there); `allowed` lists codes that are expected too. */
async function write(org: Org, path: string, body: unknown, allowed: string[] = []): Promise<Answer['body']> {
  const answer = await call(org, 'POST', path, body);
  if (answer.status === 200 || answer.status === 201 || allowed.includes(answer.body?.code))
    return answer.body;
  throw new Error(`${org.id} POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** A resident identity number of the demo: 18 characters, Shenzhen's area code, born in the 1960s–90s. */
const idNumber = (n: number) =>
  `440304${1960 + (n % 35)}${pad((n % 12) + 1, 2)}${pad((n % 27) + 1, 2)}${pad(n, 3)}${n % 10}`;
const patient = (n: number) => ({ idType: 'RESIDENT_ID', idNumber: idNumber(n) });
const invoiceNumber = (hospital: number, n: number) => `44030026${pad(hospital, 2)}${pad(n, 8)}`;

const today = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** The first day of the month `back` months before this one, in China's calendar. */
function monthStart(back: number): Date {
  const now = new Date(today());
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}
const day = (date: Date, plus: number) =>
  new Date(date.getTime() + plus * 86_400_000).toISOString().slice(0, 10);
const yuan = (amount: number) => Math.round(amount * 100);

/** Costs of an inpatient stay in fen: the fund pays most of the catalogue, the rest is the patient's to claim. */
function costs(n: number) {
  const pooled = yuan(12_000 + (n % 7) * 3_100);
  const seriousIllness = n % 3 === 0 ? yuan(4_000 + (n % 5) * 900) : 0;
  const inCatalogueSelfPay = yuan(3_000 + (n % 9) * 850);
  const outOfCatalogue = yuan(1_500 + (n % 4) * 1_200);
  const innovativeDrug = n % 5 === 0 ? yuan(18_000 + (n % 3) * 6_000) : 0;
  return {
    total: pooled + seriousIllness + inCatalogueSelfPay + outOfCatalogue + innovativeDrug,
    fund: { pooled, seriousIllness, assistance: 0 },
    inCatalogueSelfPay,
    outOfCatalogue,
    innovativeDrug,
  };
}

const PRODUCTS = [
  {
    productId: 'DEMO-HMB-SZ',
    name: '深圳惠民保（示例）',
    annualCap: yuan(1_000_000),
    benefits: [
      { category: 'IN_CATALOGUE_SELF_PAY', deductible: yuan(2_000), ratioBps: 8000 },
      { category: 'OUT_OF_CATALOGUE', deductible: yuan(2_000), ratioBps: 6000 },
      { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000, annualCap: yuan(500_000) },
    ],
  },
  {
    productId: 'DEMO-HMB-GZ',
    name: '广州穗岁康（示例）',
    annualCap: yuan(800_000),
    benefits: [
      { category: 'IN_CATALOGUE_SELF_PAY', deductible: yuan(1_500), ratioBps: 7500 },
      { category: 'OUT_OF_CATALOGUE', deductible: yuan(1_500), ratioBps: 5500 },
      { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 6000 },
    ],
  },
  {
    productId: 'DEMO-IDRUG',
    name: '特药保障（示例）',
    annualCap: yuan(1_500_000),
    benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 9000 }],
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'run-dir': { type: 'string', default: DEFAULT_RUN_DIR } } });
  const runDir = resolve(values['run-dir'] as string);
  const orgs: Org[] = readTopology(runDir).orgs.map((org) => ({
    ...org,
    url: gatewayUrlOf(org),
    token: mintToken(readFileSync(keyFiles(keyDir(runDir), org).privateKey, 'utf8'), {
      org,
      role: ROLE_OF_KIND[org.kind],
      sub: 'demo-loader',
      ttlSeconds: 3600,
    }),
  }));
  const hospitals = orgs.filter((o) => o.kind === 'HOSPITAL');
  const insurers = orgs.filter((o) => o.kind === 'INSURER');
  if (!hospitals.length || !insurers.length)
    throw new Error('the consortium needs a hospital and an insurer');
  const started = Date.now();

  // Products: each insurer a city product; the first also the innovative-drug product.
  const productsOf = insurers.map((insurer, i) =>
    [PRODUCTS[i % 2], ...(i === 0 ? [PRODUCTS[2]] : [])].map((p) => ({ insurer, ...p })),
  );
  for (const { insurer, ...product } of productsOf.flat())
    await write(insurer, '/v1/products', {
      ...product,
      productId: `${product.productId}-${insurer.id.toUpperCase()}`,
    });

  // Patients: a policy with an insurer each (a few with the innovative-drug product), consent at every hospital.
  const from = monthStart(2);
  const patients = Array.from({ length: PATIENTS }, (_, i) => {
    const n = i + 1;
    const insurer = insurers[n % insurers.length];
    const products = productsOf[n % insurers.length];
    const product = products[n % 5 === 0 && products.length > 1 ? 1 : 0];
    return {
      n,
      insurer,
      policyRef: `DEMO-POL-${pad(n, 3)}`,
      productId: `${product.productId}-${insurer.id.toUpperCase()}`,
    };
  });
  await mapLimit(patients, CONCURRENCY, async ({ n, insurer, policyRef, productId }) => {
    const validity = {
      validFrom: `${from.getUTCFullYear()}-01-01`,
      validTo: `${from.getUTCFullYear() + 1}-12-31`,
    };
    await write(insurer, '/v1/policies', { policyRef, productId, patient: patient(n), ...validity }, [
      'ID_CONFLICT',
    ]);
    for (const hospital of hospitals)
      await write(
        hospital,
        '/v1/authorisations',
        {
          authorisationId: `DEMO-AUTH-${hospital.id.toUpperCase()}-${pad(n, 3)}`,
          patient: patient(n),
          insurer: insurer.mspId,
          purpose: 'CLAIM_SETTLEMENT',
          ...validity,
          evidenceHash: pad(n, 64),
        },
        ['ID_CONFLICT'],
      );
  });

  // Settlements: two stays a patient over three months, each at one of the hospitals, discharged by today.
  const span = Math.round((Date.parse(today()) - from.getTime()) / 86_400_000) - 9;
  const settlements = patients.flatMap(({ n, insurer, policyRef }) =>
    [0, 1].map((stay) => {
      const hospitalIndex = (n + stay) % hospitals.length;
      const admitted = day(from, (n * 7 + stay * 37) % span);
      return {
        hospital: hospitals[hospitalIndex],
        insurer,
        body: {
          settlementId: `DEMO-${pad(n, 3)}-${stay + 1}`,
          patient: patient(n),
          policyRef,
          invoiceNumber: invoiceNumber(hospitalIndex + 1, n * 10 + stay),
          admissionDate: admitted,
          dischargeDate: day(new Date(admitted), 3 + (n % 6)),
          mode: n % 8 === 0 ? 'SERIES' : 'PARALLEL',
          costs: costs(n + stay),
        },
      };
    }),
  );
  const recordedList = await mapLimit(
    settlements,
    CONCURRENCY,
    async ({ hospital, body }): Promise<Settlement> => {
      // Loaded on an earlier day, with other dates: the one recorded then stands.
      const answer = await write(hospital, '/v1/settlements', body, ['ID_CONFLICT']);
      if (answer.code !== 'ID_CONFLICT') return answer;
      return (await call(hospital, 'GET', `/v1/settlements/${hospital.mspId}/${body.settlementId}`)).body;
    },
  );
  const recorded = new Map(recordedList.map((settlement) => [settlement.settlementId, settlement]));
  const recordedAs = (id: string): Settlement => {
    const settlement = recorded.get(id);
    if (!settlement) throw new Error(`settlement ${id} was not recorded`);
    return settlement;
  };

  // The first two months paid in bulk, a remittance per hospital and insurer, except the claims set aside below.
  const cutoff = day(monthStart(0), -1);
  const disputed = ['DEMO-003-1', 'DEMO-004-1', 'DEMO-006-1'];
  const reversed = 'DEMO-007-1';
  for (const insurer of insurers)
    for (const hospital of hospitals) {
      const items = settlements
        .filter((s) => s.insurer === insurer && s.hospital === hospital && s.body.dischargeDate <= cutoff)
        .map((s) => recordedAs(s.body.settlementId))
        .filter((s) => s.status === 'AWAITING_PAYOUT' && ![...disputed, reversed].includes(s.settlementId))
        .map((s) => ({ settlementId: s.settlementId, amount: s.split.commercialShare }));
      if (items.length)
        await write(insurer, '/v1/payouts/batch', {
          paymentReference: `DEMO-REMIT-${insurer.id.toUpperCase()}-${hospital.id.toUpperCase()}`,
          paidAt: `${cutoff}T08:00:00Z`,
          hospital: hospital.mspId,
          items,
        });
    }

  // Disputes: one answered and withdrawn (then paid), one upheld, one left open with the hospital's answer.
  const path = (id: string) => {
    const s = recordedAs(id);
    return { s, path: `/v1/settlements/${s.hospital}/${id}` };
  };
  const byMsp = (mspId: string) => orgs.find((o) => o.mspId === mspId)!;
  for (const id of disputed) {
    const { s, path: p } = path(id);
    if (s.status !== 'AWAITING_PAYOUT' && s.status !== 'DISPUTED') continue;
    await write(byMsp(s.insurer), `${p}/dispute`, { reason: '住院天数与病程记录不符，请补充说明' }, [
      'INVALID_STATE',
    ]);
    await write(byMsp(s.hospital), `${p}/dispute/answer`, { reason: '已补充病程记录与医嘱单' }, [
      'INVALID_STATE',
    ]);
  }
  {
    const { s, path: p } = path(disputed[0]);
    await write(byMsp(s.insurer), `${p}/dispute/withdraw`, { reason: '材料齐全' }, ['INVALID_STATE']);
    const paid = {
      amount: s.split.commercialShare,
      paidAt: `${cutoff}T09:00:00Z`,
      paymentReference: 'DEMO-PAY-003',
    };
    await write(byMsp(s.insurer), `${p}/payout`, paid, ['INVALID_STATE']);
  }
  {
    const { s, path: p } = path(disputed[1]);
    await write(byMsp(s.insurer), `${p}/dispute/uphold`, { reason: '不属于保险责任' }, ['INVALID_STATE']);
  }

  // A reversal (the hospital corrected the costs) and the settlement that replaces it.
  {
    const { s, path: p } = path(reversed);
    const original = settlements.find((x) => x.body.settlementId === reversed)!;
    await write(byMsp(s.hospital), `${p}/reversal`, { reason: '费用明细录入有误，冲正后重新结算' }, [
      'INVALID_STATE',
    ]);
    const corrected = {
      ...original.body,
      settlementId: `${reversed}-R`,
      supersedes: reversed,
      costs: costs(99),
    };
    await write(original.hospital, '/v1/settlements', corrected);
  }

  // Alerts: an invoice used again, and a stay at another hospital overlapping one already settled.
  {
    const first = settlements[0];
    const again = { ...first.body, settlementId: 'DEMO-DUP-1' };
    await write(first.hospital, '/v1/settlements', again, ['DUPLICATE_INVOICE']);
    const other = hospitals.find((h) => h !== first.hospital) ?? first.hospital;
    const overlapping = {
      ...first.body,
      settlementId: 'DEMO-OVERLAP-1',
      invoiceNumber: invoiceNumber(9, 1),
      admissionDate: first.body.dischargeDate,
      dischargeDate: day(new Date(first.body.dischargeDate), 2),
    };
    await write(other, '/v1/settlements', overlapping);
  }

  // The oldest month's statements, confirmed by both the hospital and the insurer.
  const month = day(from, 0).slice(0, 7);
  for (const insurer of insurers)
    for (const hospital of hospitals) {
      const statementPath = `/v1/statements/${hospital.mspId}/${insurer.mspId}/${month}`;
      const statement = await call(insurer, 'GET', statementPath);
      if (statement.status !== 200 || statement.body.totals.count === 0) continue;
      for (const party of [hospital, insurer])
        await write(party, `${statementPath}/confirm`, { listHash: statement.body.listHash }, [
          'INVALID_STATE',
        ]);
    }

  console.log(
    `[demo] ${patients.length} patients, ${recorded.size + 3} settlements over 3 months from ${day(from, 0)}, loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

main().catch((error) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
