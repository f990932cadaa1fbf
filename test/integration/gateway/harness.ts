/**
 * Reaches the development gateways on the real network, one per organisation of its consortium. Gateways
 * already running (npm start) are used as they are; missing ones are started here from gateway/dist with the
 * environment files of network/profiles/dev-keys.ts, and stopped again after the tests. The network itself must be up
 * (npm run network:up) and the gateway built (npm run build).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROLE_OF_KIND, Role } from '../../../gateway/src/membership';
import {
  GATEWAY_MAIN,
  gatewayLaunch,
  keyDir,
  keyFiles,
  setUpDevGateways,
} from '../../../network/profiles/dev-keys';
import { mintToken } from '../../../network/profiles/token';
import { findOrg, gatewayUrlOf, readTopology, RUN_DIR } from '../../../network/profiles/topology';
import { eventually } from '../support/nodes';

const started: ChildProcess[] = [];

/** An organisation's id in the consortium (hospital1, ...). */
export type OrgId = string;

const infoOf = (org: OrgId) => findOrg(readTopology(RUN_DIR), org);

export const mspIdOf = (org: OrgId): string => infoOf(org).mspId;

export function urlOf(org: OrgId): string {
  return gatewayUrlOf(infoOf(org));
}

/** Whether the gateway at `url` answers its health check. */
export async function healthyAt(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

/** Waits until the gateway at `url` is healthy, failing with `what` at `deadline`. */
export async function untilHealthy(url: string, what: string, deadline = Date.now() + 60_000): Promise<void> {
  while (!(await healthyAt(url))) {
    if (Date.now() > deadline) throw new Error(`${what} did not become healthy; see its log`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A TCP port free on this machine for a process a test starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

export async function ensureGateways(): Promise<void> {
  const missing: OrgId[] = [];
  if (!existsSync(join(RUN_DIR, 'topology.json')))
    throw new Error('the network is not up: run npm run network:up first');
  for (const org of readTopology(RUN_DIR).orgs) if (!(await healthyAt(urlOf(org.id)))) missing.push(org.id);
  if (missing.length === 0) return;
  if (!existsSync(GATEWAY_MAIN)) throw new Error('the gateway is not built: run npm run build');
  for (const org of missing) started.push(spawnGateway(org));
  const deadline = Date.now() + 60_000;
  for (const org of missing) await untilHealthy(urlOf(org), `the ${org} gateway`, deadline);
}

/**
 * Starts `org`'s gateway from gateway/dist with its development environment file, plus `env` (e.g. another
 * GATEWAY_PORT for a second instance); its output goes to its log beside the environment file.
 */
export function spawnGateway(org: OrgId, env: Record<string, string> = {}): ChildProcess {
  setUpDevGateways(RUN_DIR);
  const log = openSync(join(RUN_DIR, 'gateway', `${org}.log`), 'a');
  const launch = gatewayLaunch(RUN_DIR, infoOf(org), env);
  return spawn(launch.command, launch.args, { env: launch.env, stdio: ['ignore', log, log] });
}

export async function stopStartedGateways(): Promise<void> {
  await Promise.all(
    started.splice(0).map(
      (child) =>
        new Promise<void>((resolveExit) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
          child.once('exit', () => resolveExit());
          child.kill('SIGTERM');
        }),
    ),
  );
}

export function tokenFor(
  org: OrgId,
  options: { role?: Role; sub?: string; ttlSeconds?: number } = {},
): string {
  const info = infoOf(org);
  const pem = readFileSync(keyFiles(keyDir(RUN_DIR), info).privateKey, 'utf8');
  return mintToken(pem, {
    org: info,
    role: options.role ?? ROLE_OF_KIND[info.kind],
    sub: options.sub ?? `it-${org}`,
    ttlSeconds: options.ttlSeconds ?? 600,
  });
}

export function publicKeyPem(org: OrgId): string {
  return readFileSync(keyFiles(keyDir(RUN_DIR), { id: org }).publicKey, 'utf8');
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions say what bodies contain
  body: any;
  headers: Headers;
}

/** Calls a gateway as one of its users (or with the token given, or none when token is null). */
export async function call(
  org: OrgId,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
  token: string | null = tokenFor(org),
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(urlOf(org) + path, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/**
 * `org`'s view of transaction `txId` once its own peer has committed the block holding it: a write answers when
 * the submitting organisation's peer commits, and another organisation's peer may be a block behind.
 */
export async function committedTransaction(org: OrgId, txId: string): Promise<Answer> {
  const path = `/v1/audit/transactions/${txId}`;
  let answer: Answer | undefined;
  await eventually(
    `${org}'s peer to commit ${txId}`,
    async () => (answer = await call(org, 'GET', path)).status !== 404,
  );
  return answer as Answer;
}
