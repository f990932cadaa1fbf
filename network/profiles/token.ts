/**
 * Mints a development token for one organisation's gateway, signed with that organisation's development key.
 *
 * Usage: npm run token -- --org hospital1|Hospital1MSP --role clerk --sub alice [--ttl 3600] [--run-dir DIR]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { ROLE_OF_KIND, ROLES, type Role } from '../../gateway/src/membership';
import { DEFAULT_RUN_DIR, devTokenClaims, keyDir, keyFiles } from './dev-keys';
import { readTopology } from './topology';

export interface TokenRequest {
  org: { id: string; mspId: string };
  role: Role;
  sub: string;
  ttlSeconds: number;
}

export function mintToken(privateKeyPem: string, { org, role, sub, ttlSeconds }: TokenRequest): string {
  const { issuer, audience } = devTokenClaims(org);
  return jwt.sign({ org: org.mspId, role }, privateKeyPem, {
    algorithm: 'ES256',
    expiresIn: ttlSeconds,
    issuer,
    audience,
    subject: sub,
  });
}

function fail(message: string): never {
  console.error(`token: ${message}`);
  console.error('usage: npm run token -- --org ORG --role ROLE --sub USER [--ttl SECONDS]');
  process.exit(2);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      role: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      'run-dir': { type: 'string', default: DEFAULT_RUN_DIR },
    },
  });
  const runDir = resolve(values['run-dir'] as string);
  const { orgs } = readTopology(runDir);
  const org = orgs.find((o) => o.id === values.org || o.mspId === values.org);
  if (!org) fail(`--org must be one of ${orgs.map((o) => o.id).join(', ')}`);
  // The organisation's one role unless another is asked for (to see it refused).
  const role = values.role ?? ROLE_OF_KIND[org.kind];
  if (!ROLES.includes(role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  if (!values.sub) fail('--sub is required');
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) fail('--ttl must be a positive integer');
  const keyPath = keyFiles(keyDir(runDir), org).privateKey;
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch {
    fail(`no development key at ${keyPath}; run npm start (or network/profiles/dev-keys.ts) first`);
  }
  console.log(mintToken(pem, { org, role: role as Role, sub: values.sub, ttlSeconds }));
}

if (require.main === module) main();
