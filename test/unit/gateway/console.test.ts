import { expect } from 'chai';
import { problemOf, startGateway, TestGateway } from './harness';

describe('the console as the gateway serves it', () => {
  let gw: TestGateway;
  afterEach(() => gw.close());

  it('serves the page under a strict policy, revalidated on every load, without a token', async () => {
    gw = await startGateway();
    for (const path of ['/console', '/console/']) {
      const res = await gw.call(path, { token: null });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.headers.get('cache-control')).to.equal('no-cache');
      const policy = res.headers.get('content-security-policy') ?? '';
      expect(policy).to.contain("script-src 'self'").and.contain("connect-src 'self'");
      expect(policy).not.to.contain('unsafe');
      expect(await res.text()).to.contain('/console/assets/a-1.js');
    }
  });

  it('caches content-hashed assets for a year and compresses them', async () => {
    gw = await startGateway();
    const res = await gw.call('/console/assets/a-1.js', {
      token: null,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).to.equal('gzip');
    const missing = await gw.call('/console/assets/none.js', { token: null });
    expect((await problemOf(missing)).code).to.equal('NOT_FOUND');
  });

  it('answers a clear 404 when the console is not built, and 405 to other methods', async () => {
    gw = await startGateway('hospital1', { consoleDir: '/nonexistent' });
    const res = await gw.call('/console', { token: null });
    expect(res.status).to.equal(404);
    expect((await problemOf(res)).detail).to.contain('npm run build -w console');
    const post = await gw.call('/console', { token: null, method: 'POST' });
    expect(post.status).to.equal(405);
  });
});
