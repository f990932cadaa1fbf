/**
 * Forged and otherwise bad bearer tokens for one gateway: each must be refused with 401. They are built from a
 * valid token's claims so that the only thing wrong with each is the attack it stands for.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { keyDir, keyFiles } from '../../../network/profiles/dev-keys';
import { OrgId, ORG_IDS } from './gateways';
import { privateKeyOf, tokenFor } from './http';
import { RUN_DIR } from './instance';

const base64url = (value: object | Buffer): string =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function hs256(claims: object, secret: string): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${unsigned}.${base64url(createHmac('sha256', secret).update(unsigned).digest())}`;
}

/** Every attack on `org`'s gateway, by name. */
export function badTokens(org: OrgId): Record<string, string> {
  const valid = tokenFor(org);
  const claims = claimsOf(valid);
  const [header, , signature] = valid.split('.');
  const publicKey = readFileSync(keyFiles(keyDir(RUN_DIR), { id: org }).publicKey, 'utf8');
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const other = ORG_IDS.find((o) => o !== org) as OrgId;
  const withoutExp = Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'exp'));
  return {
    'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
    'tampered payload': `${header}.${base64url({ ...claims, sub: 'someone-else' })}.${signature}`,
    'signed with another key': jwt.sign(claims, otherKey, { algorithm: 'ES256' }),
    'HS256 keyed with the public key': hs256(claims, publicKey),
    expired: tokenFor(org, { ttlSeconds: -60 }),
    'without exp': jwt.sign(withoutExp, privateKeyOf(org), { algorithm: 'ES256' }),
    "another organisation's token": tokenFor(other),
    garbage: 'not-a-token',
  };
}
