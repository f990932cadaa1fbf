/**
 * The gateway's configuration, read once from environment variables and validated as a whole so that an
 * operator sees every missing or malformed value in one start-up message instead of one per restart. The
 * variables are one zod schema (ENVIRONMENT); the configuration table of gateway/README.md is checked against it.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isProviderUrl, type OidcConfig } from './oidc';
import { MAX_PSEUDONYM_KEYS } from './pseudonymise';

export interface GatewayConfig {
  /** The organisation this gateway speaks for: its connection profile's client organisation. */
  mspId: string;
  host: string;
  port: number;
  fabric: {
    connectionProfile: Record<string, unknown>;
    walletDir: string;
    identity: string;
    discoveryAsLocalhost: boolean;
    endorseTimeoutSeconds: number;
    commitTimeoutSeconds: number;
    /** How long a connection to a peer or orderer may take to become ready before that node counts as down. */
    connectTimeoutMs: number;
    /** How many times an MVCC/phantom read conflict is re-run as a new transaction. */
    conflictRetries: number;
    /** Bound of a whole write: endorsement, commit, retries and confirmation of an unknown outcome. */
    requestDeadlineSeconds: number;
    /** How long the orderers may take to accept or refuse a broadcast before the write is answered 503. */
    orderTimeoutSeconds: number;
  };
  jwt: {
    publicKey: KeyObject;
    issuer: string;
    audience: string;
    /** Longest accepted exp − iat. */
    maxTtlSeconds: number;
    /** Clock skew allowed between the identity provider and this gateway. */
    clockToleranceSeconds: number;
  };
  /** The current key first, then the keys it replaced (see pseudonymise.ts). */
  pseudonymKeys: Buffer[];
  /** Where the time each block was seen committed is kept across restarts; memory only when unset. */
  commitTimesFile?: string;
  bodyLimit: string;
  /** Origins allowed to call from a browser; empty means no CORS headers at all. */
  corsOrigins: string[];
  logLevel: string;
  events: {
    bufferSize: number;
    heartbeatSeconds: number;
    maxClientBufferBytes: number;
    maxStreams: number;
    maxStreamsPerSubject: number;
  };
  shutdownGraceSeconds: number;
  /** The web console's production build, served at /console. */
  consoleDir: string;
  /** The organisation's OpenID Connect provider, whose ES256 access tokens are accepted too (oidc.ts). */
  oidc?: OidcConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** A missing variable reads "NAME is required"; any other failure of zod's own checks says what it must be. */
const mustBe = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

const text = z.string({ error: 'is required' });

function int(min: number, max: number) {
  const problem = mustBe(`an integer from ${min} to ${max}`);
  return z.coerce.number(problem).int(problem).min(min, problem).max(max, problem);
}

const bool = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], ...mustBe('true or false') });

/** Records a problem found by a check of this file; the value (a key, perhaps) is not kept in the issue. */
function refuse(ctx: { issues: z.core.$ZodRawIssue[] }, message: string): void {
  ctx.issues.push({ code: 'custom', message, input: undefined });
}

/** A variable naming a file, read as its text. */
const file = text.transform((path, ctx) => {
  if (existsSync(path) && statSync(path).isFile()) return readFileSync(path, 'utf8');
  refuse(ctx, `no such file ${path}`);
  return z.NEVER;
});

/** A connection profile whose `client.organization` names one of its `organizations`, which gives the MSP ID. */
const PROFILE = z.looseObject({
  client: z.looseObject({ organization: z.string() }),
  organizations: z.record(z.string(), z.looseObject({ mspid: z.string().min(1) })),
});

const connectionProfile = file.transform((json, ctx) => {
  try {
    const profile = PROFILE.safeParse(JSON.parse(json));
    const own = profile.data?.organizations[profile.data.client.organization];
    if (profile.success && own) return { profile: profile.data as Record<string, unknown>, mspId: own.mspid };
  } catch {
    // reported below
  }
  refuse(ctx, 'must be a JSON connection profile whose client.organization is one of its organizations');
  return z.NEVER;
});

const directory = text.refine((dir) => existsSync(dir) && statSync(dir).isDirectory(), {
  error: (issue) => `no such directory ${String(issue.input)}`,
});

/** Tokens must be ES256, so the verification key must be an EC P-256 public key. */
const jwtKey = file.transform((pem, ctx) => {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // reported below
  }
  refuse(ctx, 'must hold a PEM EC P-256 public key (tokens are ES256)');
  return z.NEVER;
});

/** One key per line, hex, the current key first; blank lines and `#` comments are skipped. */
const pseudonymKeys = file.transform((contents, ctx) => {
  const lines = contents
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const valid = (hex: string) => /^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 && hex.length >= 64;
  const distinct = new Set(lines.map((hex) => hex.toLowerCase())).size === lines.length;
  if (lines.length >= 1 && lines.length <= MAX_PSEUDONYM_KEYS && distinct && lines.every(valid)) {
    return lines.map((hex) => Buffer.from(hex, 'hex'));
  }
  refuse(
    ctx,
    `must hold 1 to ${MAX_PSEUDONYM_KEYS} different keys, one per line, each at least 32 bytes as hex`,
  );
  return z.NEVER;
});

const corsOrigins = z
  .string()
  .default('')
  .transform((list, ctx) => {
    const origins = list
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    for (const origin of origins.filter((o) => !/^https?:\/\/[^/\s]+$/.test(o))) {
      refuse(ctx, `"${origin}" is not an origin like https://host`);
    }
    return origins;
  });

const issuerUrl = text.refine(isProviderUrl, {
  error: 'must be an https URL (http only for localhost) with no query or fragment',
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every variable the gateway reads, with its default. */
export const ENVIRONMENT = z.object({
  GATEWAY_HOST: text.default('127.0.0.1'),
  GATEWAY_PORT: int(0, 65535).default(8080),
  FABRIC_CONNECTION_PROFILE: connectionProfile,
  FABRIC_WALLET: directory,
  FABRIC_IDENTITY: text.default('client'),
  FABRIC_DISCOVERY_AS_LOCALHOST: bool.default(false),
  FABRIC_ENDORSE_TIMEOUT_SECONDS: int(1, 600).default(30),
  FABRIC_COMMIT_TIMEOUT_SECONDS: int(1, 600).default(30),
  FABRIC_CONNECT_TIMEOUT_MS: int(100, 60_000).default(1000),
  FABRIC_CONFLICT_RETRIES: int(0, 10).default(3),
  FABRIC_REQUEST_DEADLINE_SECONDS: int(1, 600).default(45),
  FABRIC_ORDER_TIMEOUT_SECONDS: int(1, 600).default(5),
  JWT_PUBLIC_KEY_FILE: jwtKey,
  JWT_ISSUER: text,
  JWT_AUDIENCE: text,
  JWT_MAX_TTL_SECONDS: int(60, 30 * 86400).default(86400),
  JWT_CLOCK_TOLERANCE_SECONDS: int(0, 300).default(5),
  PSEUDONYM_KEY_FILE: pseudonymKeys,
  COMMIT_TIMES_FILE: text.optional(),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, { error: 'must look like 100kb' })
    .default('100kb'),
  CORS_ORIGINS: corsOrigins,
  LOG_LEVEL: z.enum(LOG_LEVELS, mustBe(`one of ${LOG_LEVELS.join(', ')}`)).default('info'),
  EVENTS_BUFFER_SIZE: int(10, 1_000_000).default(10000),
  EVENTS_HEARTBEAT_SECONDS: int(1, 3600).default(15),
  EVENTS_MAX_CLIENT_BUFFER_BYTES: int(1024, 1 << 30).default(1_048_576),
  EVENTS_MAX_STREAMS: int(1, 100_000).default(1000),
  EVENTS_MAX_STREAMS_PER_SUBJECT: int(1, 1000).default(5),
  // Longer than a write's deadline (FABRIC_REQUEST_DEADLINE_SECONDS), so a draining write still answers.
  SHUTDOWN_GRACE_SECONDS: int(0, 600).default(50),
  CONSOLE_DIR: text.optional(),
  OIDC_ISSUER: issuerUrl.optional(),
  OIDC_CLIENT_ID: text.optional(),
  OIDC_SCOPE: text.default('openid'),
});

/**
 * One line per problem: "NAME must be ..., got "value"" from zod's own checks, "NAME: what is wrong" from the
 * checks of this file (whose messages name what they found).
 */
function problem(issue: z.core.$ZodIssue, env: Record<string, string>): string {
  const name = String(issue.path[0]);
  if (issue.code === 'custom') return `${name}: ${issue.message}`;
  return env[name] === undefined
    ? `${name} ${issue.message}`
    : `${name} ${issue.message}, got "${env[name]}"`;
}

export function loadConfig(environment: NodeJS.ProcessEnv): GatewayConfig {
  // A variable set to nothing but whitespace counts as unset.
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) if (value?.trim()) set[name] = value.trim();
  const parsed = ENVIRONMENT.safeParse(set);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => problem(issue, set)));
  const env = parsed.data;
  const oidc =
    env.OIDC_ISSUER !== undefined && env.OIDC_CLIENT_ID !== undefined
      ? { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, scope: env.OIDC_SCOPE }
      : undefined;
  if (!oidc && (env.OIDC_ISSUER !== undefined || env.OIDC_CLIENT_ID !== undefined))
    throw new ConfigError(['OIDC_ISSUER and OIDC_CLIENT_ID: set both, or neither']);
  // The issuer decides which key verifies a token: the two must not be confused.
  if (env.OIDC_ISSUER === env.JWT_ISSUER) throw new ConfigError(['OIDC_ISSUER must differ from JWT_ISSUER']);
  // An ID token is addressed to the client: with the same audience it could pass for an access token.
  if (env.OIDC_CLIENT_ID === env.JWT_AUDIENCE)
    throw new ConfigError(['OIDC_CLIENT_ID must differ from JWT_AUDIENCE']);
  return {
    mspId: env.FABRIC_CONNECTION_PROFILE.mspId,
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    fabric: {
      connectionProfile: env.FABRIC_CONNECTION_PROFILE.profile,
      walletDir: env.FABRIC_WALLET,
      identity: env.FABRIC_IDENTITY,
      discoveryAsLocalhost: env.FABRIC_DISCOVERY_AS_LOCALHOST,
      endorseTimeoutSeconds: env.FABRIC_ENDORSE_TIMEOUT_SECONDS,
      commitTimeoutSeconds: env.FABRIC_COMMIT_TIMEOUT_SECONDS,
      connectTimeoutMs: env.FABRIC_CONNECT_TIMEOUT_MS,
      conflictRetries: env.FABRIC_CONFLICT_RETRIES,
      requestDeadlineSeconds: env.FABRIC_REQUEST_DEADLINE_SECONDS,
      orderTimeoutSeconds: env.FABRIC_ORDER_TIMEOUT_SECONDS,
    },
    jwt: {
      publicKey: env.JWT_PUBLIC_KEY_FILE,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxTtlSeconds: env.JWT_MAX_TTL_SECONDS,
      clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
    },
    pseudonymKeys: env.PSEUDONYM_KEY_FILE,
    commitTimesFile: env.COMMIT_TIMES_FILE,
    bodyLimit: env.BODY_LIMIT,
    corsOrigins: env.CORS_ORIGINS,
    logLevel: env.LOG_LEVEL,
    events: {
      bufferSize: env.EVENTS_BUFFER_SIZE,
      heartbeatSeconds: env.EVENTS_HEARTBEAT_SECONDS,
      maxClientBufferBytes: env.EVENTS_MAX_CLIENT_BUFFER_BYTES,
      maxStreams: env.EVENTS_MAX_STREAMS,
      maxStreamsPerSubject: env.EVENTS_MAX_STREAMS_PER_SUBJECT,
    },
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
    consoleDir: env.CONSOLE_DIR ?? resolve(__dirname, '../../console/dist'),
    oidc,
  };
}
