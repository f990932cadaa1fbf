/**
 * The network's processes as the integration tests see them: pid files under network/run/pids, heights from
 * each node's Prometheus metrics, and network/up.sh to restart whatever is down.
 */
import { execFile } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { metricsUrl, OrgNode, readTopology } from '../../../network/profiles/topology';

const run = promisify(execFile);
const NETWORK_DIR = path.resolve(__dirname, '..', '..', '..', 'network');

export function pidOf(processName: string): number {
  return Number(readFileSync(path.join(readTopology().runDir, 'pids', `${processName}.pid`), 'utf8').trim());
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The peer's channel height from its operations endpoint (`ledger_blockchain_height`). */
export async function peerHeight(org: OrgNode): Promise<number> {
  const { channel } = readTopology();
  const response = await fetch(metricsUrl(org.host, org.peer.operationsPort));
  const metrics = await response.text();
  const line = new RegExp(`^ledger_blockchain_height\\{channel="${channel}"\\} (\\d+)$`, 'm').exec(metrics);
  if (!line) {
    throw new Error(`peer ${org.id} reports no height for channel ${channel}`);
  }
  return Number(line[1]);
}

/** Brings the network back to fully running (restarts crashed or killed processes). */
export async function networkUp(): Promise<void> {
  await run('bash', [path.join(NETWORK_DIR, 'up.sh')], { timeout: 180_000 });
}

/** network/status.sh's report and whether it judged the network healthy (exit code 0). */
export async function networkStatus(): Promise<{ healthy: boolean; report: string }> {
  try {
    const { stdout } = await run('bash', [path.join(NETWORK_DIR, 'status.sh')], { timeout: 60_000 });
    return { healthy: true, report: stdout };
  } catch (err) {
    return { healthy: false, report: String((err as { stdout?: string }).stdout) };
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
