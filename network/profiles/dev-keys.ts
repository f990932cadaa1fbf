/**
 * Development setup of the gateways, run by scripts/start.sh and never committed:
 * - an ES256 key pair per organisation for its development identity provider (`npm run token` signs with the
 *   private key, the gateway verifies with the public one);
 * - the consortium pseudonymisation key shared by all gateways;
 * - one environment file per organisation (<org>.env) with that gateway's configuration.
 * Existing keys are kept, so tokens and patientRefs stay valid across restarts.
 *
 * Usage: ts-node network/profiles/dev-keys.ts [--run-dir network/run]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OrgNode, onHostOf, readTopology } from './topology';

export const DEFAULT_RUN_DIR = resolve(__dirname, '../run');
/** The built gateway, which the development gateways run. */
export const GATEWAY_MAIN = resolve(__dirname, '../../gateway/dist/main.js');
export const keyDir = (runDir: string): string => join(runDir, 'gateway', 'keys');

export const keyFiles = (dir: string, org: { id: string }) => ({
  privateKey: join(dir, `${org.id}.jwt-private.pem`),
  publicKey: join(dir, `${org.id}.jwt-public.pem`),
});
export const pseudonymKeyFile = (dir: string): string => join(dir, 'pseudonym.key');
/** `org`'s environment file, which scripts/start.sh sources and the test and bench harnesses read. */
export const envFile = (runDir: string, orgId: string): string => join(runDir, 'gateway', `${orgId}.env`);

/** Issuer and audience of an organisation's development tokens, which its gateway is configured to expect. */
export function devTokenClaims(org: { id: string }): { issuer: string; audience: string } {
  return { issuer: `dev-idp.${org.id}`, audience: `settlement-gateway.${org.id}` };
}

/** Creates the missing keys and answers the files it created. */
export function ensureDevKeys(dir: string, orgs: readonly OrgNode[]): string[] {
  const created: string[] = [];
  const writeSecret = (path: string, content: string): void => {
    writeFileSync(path, content, { mode: 0o600 });
    created.push(path);
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const org of orgs) {
    const files = keyFiles(dir, org);
    if (existsSync(files.privateKey) && existsSync(files.publicKey)) continue;
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeSecret(files.privateKey, privateKey);
    writeSecret(files.publicKey, publicKey);
  }
  const pseudonym = pseudonymKeyFile(dir);
  if (!existsSync(pseudonym)) writeSecret(pseudonym, `${randomBytes(32).toString('hex')}\n`);
  return created;
}

/** The environment of one organisation's development gateway, as KEY=value lines. */
export function devEnvironment(runDir: string, org: OrgNode): string {
  const keys = keyDir(runDir);
  const { issuer, audience } = devTokenClaims(org);
  const env: Record<string, string | number> = {
    GATEWAY_HOST: org.host,
    GATEWAY_PORT: org.gatewayPort,
    FABRIC_CONNECTION_PROFILE: join(runDir, 'orgs', org.id, 'connection-profile.json'),
    FABRIC_WALLET: join(runDir, 'orgs', org.id, 'wallet'),
    JWT_PUBLIC_KEY_FILE: keyFiles(keys, org).publicKey,
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: audience,
    PSEUDONYM_KEY_FILE: pseudonymKeyFile(keys),
    COMMIT_TIMES_FILE: join(runDir, 'gateway', `${org.id}-commit-times.log`),
    FABRIC_COMMIT_TIMEOUT_SECONDS: 30,
  };
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

/** Keys and environment files for every organisation of the network in `runDir`. */
export function setUpDevGateways(runDir: string): string[] {
  const { orgs } = readTopology(runDir);
  const created = ensureDevKeys(keyDir(runDir), orgs);
  for (const org of orgs) {
    writeFileSync(envFile(runDir, org.id), devEnvironment(runDir, org));
  }
  return created;
}

/** The variables of `org`'s environment file (KEY=value lines; a value may itself contain "="). */
export function readDevEnvironment(runDir: string, orgId: string): Record<string, string> {
  const lines = readFileSync(envFile(runDir, orgId), 'utf8').trim().split('\n');
  return Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * How to start `org`'s development gateway from gateway/dist: on its organisation's host, with its environment
 * file and then `env`.
 */
export function gatewayLaunch(
  runDir: string,
  org: OrgNode,
  env: Record<string, string> = {},
): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const [command, ...args] = onHostOf(org, [process.execPath, GATEWAY_MAIN]);
  return { command, args, env: { ...process.env, ...readDevEnvironment(runDir, org.id), ...env } };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'run-dir': { type: 'string', default: DEFAULT_RUN_DIR } } });
  for (const file of setUpDevGateways(resolve(values['run-dir'] as string)))
    console.log(`[dev-keys] created ${file}`);
}
