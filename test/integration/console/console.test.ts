/// <reference lib="dom" />
/**
 * The console in a real browser against the real network: a clerk finds a patient's cover, previews and
 * submits a settlement and sees it listed; the insurer's queue shows it without a reload and the adjuster pays
 * it; the auditor's dashboard counts it and the auditor verifies its evidence in the page; another hospital's
 * clerk sees nothing of it; English replaces the
 * Chinese labels; axe finds no serious violation on each role's main page.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { lastDayOf, monthBefore, monthsBetween } from '../../../chaincode/src/calendar';
import { invoiceNumberFor } from '../support/fixtures';
import { call, ensureGateways, stopStartedGateways, urlOf } from '../gateway/harness';
import { cover, id, idNumber, publishProduct } from '../gateway/run-fixtures';
import {
  accessibilityViolations,
  clickButton,
  ConsolePage,
  fill,
  launch,
  screenshot,
  signIn,
  waitForText,
} from './browser';

/** The suite's own patients (series 7 of run-fixtures' identity numbers). */
const SERIES = 7;
const chinaToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

describe('the console in a browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  const opened: ConsolePage[] = [];
  const productId = id('CONSOLE');
  const policyRef = id('POL-CONSOLE');
  const patientId = idNumber(1, SERIES);
  let settlementId = '';

  const open = async (org: string) => {
    const page = await signIn(browser, org);
    opened.push(page);
    return page;
  };

  before(async () => {
    await ensureGateways();
    await publishProduct(productId);
    await cover({ idType: 'RESIDENT_ID', idNumber: patientId }, productId, policyRef);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await stopStartedGateways();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      for (const [n, { page }] of opened.entries())
        await screenshot(page, `failed-${n}`).catch(() => undefined);
    for (const { problems } of opened)
      expect(problems, 'policy violations or script errors').to.deep.equal([]);
  });

  it('serves the console with a strict policy and caching headers', async () => {
    const res = await fetch(`${urlOf('hospital1')}/console`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.contain("script-src 'self'");
    expect(res.headers.get('cache-control')).to.equal('no-cache');
    const asset = /\/console\/assets\/[^"]+\.js/.exec(await res.text())![0];
    const cached = await fetch(`${urlOf('hospital1')}${asset}`);
    expect(cached.headers.get('cache-control')).to.contain('immutable');
  });

  it('lets a clerk find the cover, preview and submit, and see the settlement listed; the queue shows it live and the adjuster pays it', async () => {
    const adjuster = await open('insurer1');
    await waitForText(adjuster.page, 'main h2', '待付队列');

    const clerk = await open('hospital1');
    const { page } = clerk;
    await waitForText(page, 'main h2', '参保查询');
    await fill(page, '居民身份证号', patientId);
    await clickButton(page, '查询');
    await waitForText(page, 'table.policies', policyRef);
    expect(await accessibilityViolations(page)).to.deep.equal([]);
    await screenshot(page, 'clerk');
    await clickButton(page, '用此保单结算');

    await waitForText(page, 'main h2', '新建结算');
    settlementId = await page.$eval('input[name=settlementId]', (el) => (el as HTMLInputElement).value);
    const today = await page.$eval('input[name=dischargeDate]', (el) => (el as HTMLInputElement).value);
    expect(today).to.equal(chinaToday());
    await fill(page, '发票号', invoiceNumberFor(id('console-invoice')));
    await fill(page, '统筹基金支付', '500');
    await fill(page, '目录内自付', '200');
    await fill(page, '目录外自费', '150.50');
    await clickButton(page, '试算');
    await page.waitForSelector('[data-testid=preview] [data-part=commercialShare]');
    const previewed = await page.$eval(
      '[data-testid=preview] [data-part=commercialShare]',
      (el) => el.textContent,
    );
    expect(previewed).to.match(/¥/);
    await clickButton(page, '提交结算');
    await page.waitForSelector('[data-testid=recorded]');
    expect(
      await page.$eval('[data-testid=recorded] [data-part=commercialShare]', (el) => el.textContent),
    ).to.equal(previewed);
    const recorded = await call('hospital1', 'GET', `/v1/settlements/Hospital1MSP/${settlementId}`);
    expect(recorded.status).to.equal(200);
    expect(recorded.body.costs.total).to.equal(85_050);

    await page.goto(`${page.url().split('#')[0]}#/settlements`);
    await fill(page, '出院日期 起', today);
    await fill(page, '出院日期 止', today);
    await clickButton(page, '筛选');
    await waitForText(page, 'table.settlements', settlementId);

    // The adjuster's page was opened before the settlement existed and has not been reloaded since.
    await waitForText(adjuster.page, 'table.settlements', settlementId);
    expect(await accessibilityViolations(adjuster.page)).to.deep.equal([]);
    await screenshot(adjuster.page, 'adjuster');
    await adjuster.page.click(`tr[data-settlement="${settlementId}"] input[type=checkbox]`);
    await fill(adjuster.page, '付款流水号', id('PAY-CONSOLE'));
    await clickButton(adjuster.page, '批量赔付所选');
    await adjuster.page.waitForFunction(
      (sid) => !document.querySelector(`tr[data-settlement="${sid}"]`),
      { timeout: 30_000 },
      settlementId,
    );
    const paid = await call('insurer1', 'GET', `/v1/settlements/Hospital1MSP/${settlementId}`);
    expect(paid.body.status).to.equal('PAID');
  });

  it("counts the settlement in the auditor's dashboard", async () => {
    expect(settlementId, 'the clerk test recorded a settlement').not.to.equal('');
    const month = chinaToday().slice(0, 7);
    const { page } = await open('regulator');
    await page.waitForSelector(`#by-hospital-count tr[data-category=Hospital1MSP]`, { timeout: 60_000 });
    const shown = Number(
      await page.$eval('#by-hospital-count tr[data-category=Hospital1MSP] td', (el) => el.textContent),
    );
    let expected = 0;
    for (const m of monthsBetween(monthBefore(month, 2), month)) {
      const rec = await call(
        'regulator',
        'GET',
        `/v1/audit/reconciliation?from=${m}-01&to=${lastDayOf(m)}&hospital=Hospital1MSP`,
      );
      expected += rec.body.count as number;
    }
    expect(shown).to.equal(expected).and.be.greaterThan(0);
    expect(await accessibilityViolations(page)).to.deep.equal([]);
    await screenshot(page, 'auditor');
  });

  it("verifies the settlement's evidence in the auditor's browser, and refuses a tampered package file", async () => {
    expect(settlementId, 'the clerk test recorded a settlement').not.to.equal('');
    const { page } = await open('regulator');
    await page.goto(`${page.url().split('#')[0]}#/settlement/Hospital1MSP/${settlementId}`);
    await clickButton(page, '在浏览器中核验');
    await waitForText(page, '[data-testid=verdict]', '核验通过', 60_000);
    expect(await accessibilityViolations(page)).to.deep.equal([]);
    // The same package with its first transaction's private details altered, as a file from elsewhere.
    const pkg = (await call('regulator', 'GET', `/v1/audit/evidence/Hospital1MSP/${settlementId}`)).body;
    pkg.transactions[0].details.stored += ' ';
    const file = join(mkdtempSync(join(tmpdir(), 'console-evidence-')), 'tampered.json');
    writeFileSync(file, JSON.stringify(pkg));
    const input = await page.$('input[type=file]');
    await input!.uploadFile(file);
    await waitForText(page, '[data-testid=verdict]', '核验未通过', 60_000);
    expect(await page.$eval('[data-testid=verdict]', (el) => el.textContent)).to.contain(
      'the private details in the package do not match the hash in its block',
    );
  });

  it("lists the insurer's own products, and sorts a listing by the column chosen", async () => {
    const { page } = await open('insurer1');
    const base = page.url().split('#')[0];
    await page.goto(`${base}#/products`);
    await page.waitForSelector(`tr[data-product="${productId}"]`, { timeout: 30_000 });
    await page.click(`tr[data-product="${productId}"] button`);
    await waitForText(page, 'main h3', productId);
    await page.goto(`${base}#/settlements`);
    await page.waitForSelector('table.settlements tbody tr', { timeout: 30_000 });
    const shares = () =>
      page.$$eval('table.settlements tbody tr td:nth-child(6)', (cells) =>
        cells.map((cell) => Number(cell.textContent!.replace(/[^\d.]/g, ''))),
      );
    const heading = 'table.settlements th:nth-child(6)';
    await page.click(`${heading} button`);
    expect(await page.$eval(heading, (el) => el.getAttribute('aria-sort'))).to.equal('ascending');
    const ascending = await shares();
    expect(ascending).to.deep.equal([...ascending].sort((a, b) => a - b));
    await page.click(`${heading} button`);
    expect(await page.$eval(heading, (el) => el.getAttribute('aria-sort'))).to.equal('descending');
    expect(await shares()).to.deep.equal([...ascending].sort((a, b) => b - a));
    expect(await accessibilityViolations(page)).to.deep.equal([]);
  });

  it("shows another hospital's clerk nothing of it, and the API answers 404", async () => {
    const { page } = await open('hospital2');
    await page.goto(`${page.url().split('#')[0]}#/settlements`);
    await page.waitForSelector('main h2');
    await page
      .waitForFunction(() => !document.body.textContent?.includes('…'), { timeout: 10_000 })
      .catch(() => undefined);
    expect(await page.content()).not.to.contain(settlementId);
    await page.goto(`${page.url().split('#')[0]}#/settlement/Hospital1MSP/${settlementId}`);
    await waitForText(page, '.problem', 'NOT_FOUND');
    expect((await call('hospital2', 'GET', `/v1/settlements/Hospital1MSP/${settlementId}`)).status).to.equal(
      404,
    );
  });

  it('switches to English', async () => {
    const { page } = await open('hospital1');
    await waitForText(page, 'nav.pages', '参保查询');
    await clickButton(page, 'English', 'header');
    await waitForText(page, 'nav.pages', 'Eligibility');
    expect(await page.$eval('nav.pages', (el) => el.textContent)).not.to.contain('参保查询');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
  });
});
