/// <reference lib="dom" />
/**
 * Headless Chromium (Debian's package, or CHROMIUM_PATH) driven by puppeteer-core against the consoles the
 * gateways serve. Each page is watched for policy violations and script errors; screenshots go to
 * test/output/console (kept by CI, never committed).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { tokenFor, urlOf } from '../gateway/harness';

export const SCREENSHOTS = join(__dirname, '../../output/console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  if (!existsSync(join(__dirname, '../../../console/dist/index.html')))
    throw new Error('the console is not built: npm run build -w console');
  mkdirSync(SCREENSHOTS, { recursive: true });
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--lang=zh-CN', '--window-size=1280,900'],
    defaultViewport: { width: 1280, height: 900 },
  });
}

export interface ConsolePage {
  page: Page;
  /** Policy violations and uncaught errors seen so far: a test expects none. */
  problems: string[];
}

/**
 * `url` in a browser context of its own (nothing shared between users), recording the page's policy violations
 * and uncaught errors.
 */
export async function openPage(browser: Browser, url: string): Promise<ConsolePage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** `org`'s console in a browser context of its own, signed in with a token of that organisation. */
export async function signIn(browser: Browser, org: string): Promise<ConsolePage> {
  const opened = await openPage(browser, `${urlOf(org)}/console`);
  await opened.page.type('textarea[name=token]', tokenFor(org, { sub: `browser-${org}` }));
  await opened.page.click('button[type=submit]');
  await opened.page.waitForSelector('nav.pages');
  return opened;
}

/** Fills a form field found by its visible label. */
export async function fill(page: Page, label: string, value: string): Promise<void> {
  const id = await page.$$eval(
    'label',
    (labels, text) => labels.find((l) => l.textContent?.trim() === text)?.htmlFor,
    label,
  );
  expect(id, `a field labelled ${label}`).to.be.a('string');
  const selector = `[id="${id}"]`;
  const typed = await page.$eval(
    selector,
    (el, text) => {
      const input = el as HTMLInputElement;
      // Date and month pickers take keystrokes in the browser's locale order: they are set as a script would.
      if (input.type !== 'date' && input.type !== 'month') return (input.value = '') === '';
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return false;
    },
    value,
  );
  if (typed) await page.type(selector, value);
}

export async function clickButton(page: Page, text: string, within = 'main'): Promise<void> {
  const button = await page.waitForSelector(`${within} button:not([disabled])::-p-text(${text})`);
  await button!.click();
}

/** Waits until `selector` holds `text`. */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeout = 30_000,
): Promise<void> {
  await page.waitForFunction(
    (sel, want) => Array.from(document.querySelectorAll(sel)).some((el) => el.textContent?.includes(want)),
    { timeout },
    selector,
    text,
  );
}

/** axe-core's serious and critical findings on the page as it stands. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
