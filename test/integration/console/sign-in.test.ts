/// <reference lib="dom" />
/**
 * Signing in to the console through the organisation's OpenID Connect provider, in a real browser against a
 * gateway of the real network: the authorisation-code flow with PKCE, the provider's access token accepted by
 * the gateway, nothing of the exchange left in the address bar or the browser's storage.
 */
import { expect } from 'chai';
import type { Browser } from 'puppeteer-core';
import { devTokenClaims } from '../../../network/profiles/dev-keys';
import { freePort, spawnGateway, untilHealthy } from '../gateway/harness';
import { launch, openPage, screenshot } from './browser';
import { API_SCOPE, CLIENT_ID, startIdentityProvider, type TestProvider } from './identity-provider';

describe('signing in to the console through the organisation’s identity provider', function () {
  this.timeout(120_000);
  let browser: Browser;
  let provider: TestProvider;
  let gateway: ReturnType<typeof spawnGateway>;
  let consoleUrl = '';

  before(async () => {
    const port = await freePort();
    consoleUrl = `http://127.0.0.1:${port}/console/`;
    provider = await startIdentityProvider({
      redirectUri: consoleUrl,
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
    await untilHealthy(`http://127.0.0.1:${port}`, 'the hospital1 gateway with a provider');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    gateway?.kill('SIGTERM');
    await provider?.close();
  });

  it("signs a clerk in at the provider and on to the hospital's pages", async () => {
    const { page, problems } = await openPage(browser, consoleUrl);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
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
    expect(await page.evaluate(() => document.body.textContent)).to.contain('clerk-7');
    // The gateway accepted the provider's token: the consortium's members came back.
    await page.goto(`${consoleUrl}#/settlements`);
    await page.waitForSelector('main select option[value="Insurer1MSP"]', { timeout: 30_000 });
    expect(page.url()).not.to.contain('code=');
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).to.equal(0);
    expect(problems).to.deep.equal([]);
    await screenshot(page, 'signed-in-through-provider');
  });
});
