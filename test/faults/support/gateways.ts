/**
 * The fault instance's gateways, one per organisation, as detached processes (so that a test can SIGKILL one
 * and start it again, and run.sh can stop them after the suite). Each is `node gateway/dist/main.js` with the
 * environment file that network/profiles/dev-keys.ts writes under <run dir>/gateway/, on the consortium's port
 * plus the instance's port offset; pid files and logs live beside the environment files.
 *
 * CLI (used by run.sh): ts-node test/faults/support/gateways.ts up|down|list (each organisation and its URL)
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_MAIN, gatewayLaunch, setUpDevGateways } from '../../../network/profiles/dev-keys';
import { findOrg, gatewayUrlOf, OrgNode } from '../../../network/profiles/topology';
import { RUN_DIR, topology } from './instance';
import { isAlive, until } from './processes';

/** An organisation's id in the consortium (hospital1, ...). */
export type OrgId = string;
export const ORG_IDS: OrgId[] = topology().orgs.map((org) => org.id);

const GATEWAY_DIR = join(RUN_DIR, 'gateway');
const pidFile = (org: OrgId): string => join(GATEWAY_DIR, `${org}.pid`);

export const infoOf = (org: OrgId): OrgNode => findOrg(topology(), org);

export const mspOf = (org: OrgId): string => infoOf(org).mspId;

export function gatewayUrl(org: OrgId): string {
  return gatewayUrlOf(infoOf(org));
}

export function gatewayLog(org: OrgId): string {
  return join(GATEWAY_DIR, `${org}.log`);
}

export function gatewayPid(org: OrgId): number | undefined {
  if (!existsSync(pidFile(org))) return undefined;
  const pid = Number(readFileSync(pidFile(org), 'utf8'));
  return isAlive(pid) ? pid : undefined;
}

export async function healthy(org: OrgId): Promise<boolean> {
  try {
    return (await fetch(`${gatewayUrl(org)}/healthz`, { signal: AbortSignal.timeout(6000) })).status === 200;
  } catch {
    return false;
  }
}

/** Starts the gateway unless it runs, and waits until it answers /healthz with the ledger reachable. */
export async function startGateway(org: OrgId): Promise<void> {
  if (gatewayPid(org) === undefined) {
    if (!existsSync(GATEWAY_MAIN))
      throw new Error('the gateway is not built: run npx tsc -b chaincode gateway');
    const log = openSync(gatewayLog(org), 'a');
    const launch = gatewayLaunch(RUN_DIR, infoOf(org));
    const child = spawn(launch.command, launch.args, {
      env: launch.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    child.unref();
    writeFileSync(pidFile(org), String(child.pid));
  }
  await until(`the ${org} gateway to be healthy (log: ${gatewayLog(org)})`, () => healthy(org), 90_000);
}

/** Sends `signal` to the gateway and waits until it is gone. */
export async function stopGateway(org: OrgId, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = gatewayPid(org);
  if (pid !== undefined) {
    process.kill(pid, signal);
    await until(`the ${org} gateway to exit`, async () => !isAlive(pid), 20_000);
  }
  rmSync(pidFile(org), { force: true });
}

/** Writes the development keys and environment files (kept across runs), then starts every gateway. */
export async function startGateways(): Promise<void> {
  setUpDevGateways(RUN_DIR);
  await Promise.all(ORG_IDS.map((org) => startGateway(org)));
}

export async function stopGateways(): Promise<void> {
  await Promise.all(ORG_IDS.map((org) => stopGateway(org)));
}

function cli(command: string | undefined): void {
  if (command === 'list') {
    for (const org of ORG_IDS) console.log(`${org} ${gatewayUrl(org)}`);
    return;
  }
  const action = command === 'up' ? startGateways : command === 'down' ? stopGateways : undefined;
  if (!action) {
    console.error('usage: gateways.ts up|down|list');
    process.exit(2);
  }
  action().then(
    () => console.log(`[faults] gateways ${command}: ${ORG_IDS.map(gatewayUrl).join(' ')}`),
    (error: unknown) => {
      console.error(`[faults] gateways ${command} failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

if (require.main === module) cli(process.argv[2]);
