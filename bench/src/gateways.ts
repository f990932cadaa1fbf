/**
 * The benchmark's own gateways: one `node gateway/dist/main.js` per organisation, configured like scripts/start.sh
 * (the environment files of network/profiles/dev-keys.ts for the bench network's run folder) on the bench ports.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROLE_OF_KIND } from '../../gateway/src/membership';
import { gatewayLaunch, keyDir, keyFiles, setUpDevGateways } from '../../network/profiles/dev-keys';
import { mintToken } from '../../network/profiles/token';
import { gatewayUrlOf, OrgNode, readTopology } from '../../network/profiles/topology';

export interface GatewayProcess {
  org: OrgNode;
  url: string;
  pid: number;
  token: string;
}

export interface GatewayOptions {
  runDir: string;
  /** Extra gateway configuration (e.g. FABRIC_COMMIT_TIMEOUT_SECONDS, LOG_LEVEL). */
  env: Record<string, string>;
  /** How long the tokens minted for the bench's requests last (default an hour). */
  tokenTtlSeconds?: number;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

export class Gateways {
  private readonly children: ChildProcess[] = [];
  readonly byOrg = new Map<string, GatewayProcess>();
  private readonly exited: string[] = [];
  private stopping = false;

  async start({ runDir, env, tokenTtlSeconds = 3600 }: GatewayOptions): Promise<void> {
    setUpDevGateways(runDir);
    const dir = join(runDir, 'gateway');
    for (const org of readTopology(runDir).orgs) {
      const log = openSync(join(dir, `${org.id}.log`), 'a');
      const launch = gatewayLaunch(runDir, org, { ...env, GATEWAY_PORT: String(org.gatewayPort) });
      const child = spawn(launch.command, launch.args, { env: launch.env, stdio: ['ignore', log, log] });
      this.children.push(child);
      child.once('exit', (code, signal) => {
        if (!this.stopping) this.exited.push(`${org.id} (${signal ?? `exit code ${code}`})`);
      });
      const pem = readFileSync(keyFiles(keyDir(runDir), org).privateKey, 'utf8');
      const token = mintToken(pem, {
        org,
        role: ROLE_OF_KIND[org.kind],
        sub: 'bench',
        ttlSeconds: tokenTtlSeconds,
      });
      this.byOrg.set(org.id, { org, url: gatewayUrlOf(org), pid: child.pid as number, token });
    }
    const deadline = Date.now() + 90_000;
    for (const gateway of this.byOrg.values()) {
      while (!(await healthy(gateway.url))) {
        const child = this.children.find((c) => c.pid === gateway.pid);
        if (child?.exitCode !== null || Date.now() > deadline) {
          throw new Error(
            `the ${gateway.org.id} gateway did not become healthy; see ${dir}/${gateway.org.id}.log`,
          );
        }
        await sleep(300);
      }
    }
  }

  get(orgId: string): GatewayProcess {
    const gateway = this.byOrg.get(orgId);
    if (!gateway) throw new Error(`no gateway for ${orgId}`);
    return gateway;
  }

  /** Fails when a gateway stopped on its own (or was stopped by something else) while the bench ran. */
  assertRunning(): void {
    if (this.exited.length > 0) {
      throw new Error(`gateway(s) stopped during the run: ${this.exited.join(', ')}; results discarded`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.splice(0).map(async (child) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
    this.byOrg.clear();
  }
}
