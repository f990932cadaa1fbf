/**
 * Starts the real gateway application (createServer) on an ephemeral port with a fake ledger, test keys and a
 * captured log, and mints tokens the way an organisation's identity provider would.
 */
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import type { GatewayConfig } from '../../../gateway/src/config';
import { createLogger } from '../../../gateway/src/logger';
import { Membership, membershipOf } from '../../../gateway/src/membership';
import { Organisation, readConsortium } from '../../../network/consortium/consortium';
import { createServer, GatewayApp } from '../../../gateway/src/server';
import { FakeLedger } from './fake-ledger';

export function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export const idpKeys = newKeyPair();

/** A console build as the gateway finds it: the page and one content-hashed asset. */
export const CONSOLE_FIXTURE = ((): string => {
  const dir = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/console/assets/a-1.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'a-1.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  return dir;
})();
export const PSEUDONYM_KEY = Buffer.alloc(32, 7);
export const ISSUER = 'test-idp';
export const AUDIENCE = 'test-gateway';

/** The development consortium's organisations stand for any members in these tests. */
export const DEV_CONSORTIUM = readConsortium(join(__dirname, '../../../network/consortium/development.json'));

export function orgOf(id: string): Organisation {
  const org = DEV_CONSORTIUM.organisations.find((o) => o.id === id);
  if (!org) throw new Error(`unknown org ${id}`);
  return org;
}

/** `id`'s membership as its gateway reads it from a registry holding the whole development consortium. */
export function testMembership(id: string): Membership {
  const recordedBy = {
    mspId: 'RegulatorMSP',
    user: 'network-bootstrap',
    txId: 'tx',
    at: '2026-01-01T00:00:00Z',
  };
  const participants = DEV_CONSORTIUM.organisations.map(({ mspId, kind, name }) => ({
    mspId,
    kind,
    name,
    recordedBy,
  }));
  return membershipOf(orgOf(id).mspId, participants) as Membership;
}

export function testConfig(orgId: string, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    mspId: orgOf(orgId).mspId,
    host: '127.0.0.1',
    port: 0,
    fabric: {
      connectionProfile: {},
      walletDir: '/nonexistent',
      identity: 'client',
      discoveryAsLocalhost: false,
      endorseTimeoutSeconds: 30,
      commitTimeoutSeconds: 30,
      connectTimeoutMs: 1000,
      conflictRetries: 3,
      requestDeadlineSeconds: 45,
      orderTimeoutSeconds: 5,
    },
    jwt: {
      publicKey: idpKeys.publicKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      maxTtlSeconds: 86400,
      clockToleranceSeconds: 5,
    },
    pseudonymKeys: [PSEUDONYM_KEY],
    bodyLimit: '100kb',
    corsOrigins: [],
    logLevel: 'debug',
    events: {
      bufferSize: 100,
      heartbeatSeconds: 3600,
      maxClientBufferBytes: 1 << 20,
      maxStreams: 20,
      maxStreamsPerSubject: 5,
    },
    shutdownGraceSeconds: 1,
    consoleDir: CONSOLE_FIXTURE,
    ...overrides,
  };
}

/** Claims of a valid token for the org's own role; tests override any of them. */
export function claimsFor(orgId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const org = orgOf(orgId);
  const now = Math.floor(Date.now() / 1000);
  return {
    org: org.mspId,
    role: testMembership(orgId).role,
    sub: `user-of-${orgId}`,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

/** Signs the claims as given (a claim set to undefined is left out). */
export function sign(claims: Record<string, unknown>, key: KeyObject = idpKeys.privateKey): string {
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return jwt.sign(present, key, { algorithm: 'ES256' });
}

export interface TestGateway {
  url: string;
  ledger: FakeLedger;
  gateway: GatewayApp;
  logs: string[];
  orgId: string;
  /** fetch with this org's valid token unless headers say otherwise. */
  call(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startGateway(
  orgId = 'hospital1',
  overrides: Partial<GatewayConfig> = {},
  ledger = new FakeLedger(),
): Promise<TestGateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = testConfig(orgId, overrides);
  const membership = testMembership(orgId);
  const gateway = createServer({ config, membership, ledger, logger: createLogger('debug', sink) });
  gateway.events.start();
  const server = gateway.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const defaultToken = sign(claimsFor(orgId));
  return {
    url,
    ledger,
    gateway,
    logs,
    orgId,
    call(path, init = {}) {
      const { token = defaultToken, json, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (token !== null && !merged.has('authorization')) merged.set('authorization', `Bearer ${token}`);
      if (json !== undefined) merged.set('content-type', 'application/json');
      return fetch(url + path, {
        ...rest,
        headers: merged,
        body: json === undefined ? rest.body : JSON.stringify(json),
      });
    },
    async close() {
      gateway.events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  if (!res.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.status} ${res.headers.get('content-type')}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

/** Response bodies are read loosely: the assertions say what they must contain. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}
