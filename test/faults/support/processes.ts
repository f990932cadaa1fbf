/**
 * The fault instance's Fabric processes: killing one by its network/ pid file, bringing everything back with
 * network/up.sh (which restarts whatever is not running) and stopping it all with network/down.sh.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, pidOf } from '../../integration/support/nodes';

export { isAlive, pidOf };

const run = promisify(execFile);
const NETWORK_DIR = resolve(__dirname, '../../../network');

/** Polls `check` every 200 ms until it answers true; fails after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Sends `signal` to a network process (e.g. `peer-regulator`, `orderer1`, `chaincode`) and waits for its end. */
export async function killProcess(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const pid = pidOf(name);
  process.kill(pid, signal);
  await until(`${name} to exit`, async () => !isAlive(pid), 20_000);
}

async function network(script: 'up.sh' | 'down.sh'): Promise<void> {
  // NETWORK_RUN_DIR and NETWORK_PORT_OFFSET are inherited: the scripts act on the fault instance only.
  await run('bash', [resolve(NETWORK_DIR, script)], { timeout: 240_000 });
}

/** Restarts whatever process of the instance is not running (and waits until it is ready). */
export const networkUp = (): Promise<void> => network('up.sh');
/** Stops every process of the instance; the ledgers stay on disk. */
export const networkDown = (): Promise<void> => network('down.sh');
