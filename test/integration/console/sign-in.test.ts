/// <reference lib="dom" />
/**
 * Signing in to the console through the organisation's OpenID Connect provider, in a real browser against a
 * gateway of the real network: the authorisation-code flow with PKCE, the provider's access token accepted by
 * the gateway, nothing of the exchange left in the address bar or the browser's storage.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'puppeteer-core';
import { devTokenClaims } from '../../../network/profiles/dev-keys';
import { spawnGateway } from '../gateway/harness';
import { launch, screenshot } from './browser';
import { API_SCOPE, CLIENT_ID, startIdentityProvider, type TestProvider } from './identity-provider';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

describe('signing in to the console through the organisation’s identity provider', function () {
  this.timeout(120_000);
  let browser: Browser;
  let provider: TestProvider;
  let gateway: ReturnType<typeof spawnGateway>;
  let console = '';

  before(async () => {
    const port = await freePort();
    console = `http://127.0.0.1:${port}/console/`;
    provider = await startIdentityProvider({
      redirectUri: console,
      audience: devTokenClaims({ id: 'hospital1' }).audience,
      accounts: { 'clerk-7': { org: 'Hospital1MSP', role: 'clerk' } },
    });
    // A second gateway of hospital1 that also signs its users in through the provider.
    gateway = spawnGateway('hospital1', {
      GATEWAY_PORT: String(port),
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_SCOPE: `openid ${API_SCOPE}`,
    });
    for (let tries = 0; ; tries++) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (tries > 200) throw new Error('the gateway with a provider did not start');
      await new Promise((r) => setTimeout(r, 300));
    }
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    gateway?.kill('SIGTERM');
    await provider?.close();
  });

  it("signs a clerk in at the provider and on to the hospital's pages", async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (m) => /Content Security Policy|Refused to/.test(m.text()) && problems.push(m.text()));
    await page.goto(console, { waitUntil: 'load' });
    const start = await page.waitForSelector('xpath/.//button[contains(., "使用本机构账号登录")]');
    await Promise.all([page.waitForNavigation(), start!.click()]);
    expect(page.url()).to.satisfy((url: string) => url.startsWith(provider.issuer));
    const asked = new URL(requests.find((url) => url.includes('code_challenge=')) ?? page.url()).searchParams;
    expect(asked.get('code_challenge_method')).to.equal('S256');
    expect(asked.get('client_id')).to.equal(CLIENT_ID);
    await page.type('input[name=login]', 'clerk-7');
    await page.type('input[name=password]', 'any');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    // The provider asks once for consent to the console's scopes.
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await page.waitForSelector('nav.pages', { timeout: 30_000 });
    expect(await page.$eval('header, nav', () => document.body.textContent)).to.contain('clerk-7');
    // The gateway accepted the provider's token: the consortium's members came back.
    await page.goto(`${console}#/settlements`);
    await page.waitForSelector('main select option[value="Insurer1MSP"]', { timeout: 30_000 });
    expect(page.url()).not.to.contain('code=');
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).to.equal(0);
    expect(problems).to.deep.equal([]);
    await screenshot(page, 'signed-in-through-provider');
  });
});
