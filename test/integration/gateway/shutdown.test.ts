/**
 * Graceful shutdown of a real gateway process: on SIGTERM it stops accepting connections, lets the write in
 * flight commit and answer, disconnects from Fabric and exits 0.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { healthyAt, spawnGateway, tokenFor, untilHealthy } from './harness';

/** Beside the development ports, so the suite's own insurer1 gateway keeps running. */
const PORT = 18183;
const URL = `http://127.0.0.1:${PORT}`;

describe('a gateway shutting down', function () {
  this.timeout(120_000);

  it('answers the write in flight, refuses new connections, and exits 0', async () => {
    const gateway = spawnGateway('insurer1', { GATEWAY_PORT: String(PORT) });
    const exited = once(gateway, 'exit');
    await untilHealthy(URL, 'the extra insurer1 gateway');
    const product = {
      productId: `SHUTDOWN-${randomBytes(4).toString('hex')}`,
      name: 'Shutdown test product',
      annualCap: 100_000,
      benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 0, ratioBps: 5000 }],
    };
    const inFlight = fetch(`${URL}/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('insurer1')}`, 'content-type': 'application/json' },
      body: JSON.stringify(product),
    });
    // Long enough for the request to reach the ledger, far shorter than its endorse-order-commit round.
    await new Promise((r) => setTimeout(r, 50));
    gateway.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).to.equal(201);
    expect(((await answer.json()) as { version: number }).version).to.equal(1);
    expect(await healthyAt(URL)).to.equal(false);
    const [code] = await exited;
    expect(code).to.equal(0);
  });
});
