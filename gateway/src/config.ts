/**
 * The gateway's configuration, read once from environment variables and validated as a whole so that an
 * operator sees every missing or malformed value in one start-up message instead of one per restart.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { findOrg, ORGS, OrgInfo } from './orgs';

export interface GatewayConfig {
  org: OrgInfo;
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
  pseudonymKey: Buffer;
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Collects problems while reading values, so every one of them is reported together. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  /** Reads the file a variable names; undefined (with a problem recorded) when it cannot be read. */
  file(name: string): string | undefined {
    const path = this.string(name);
    if (!path) return undefined;
    if (!existsSync(path) || !statSync(path).isFile()) {
      this.problems.push(`${name}: no such file ${path}`);
      return undefined;
    }
    return readFileSync(path, 'utf8');
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
}

function readOrg(env: EnvReader): OrgInfo | undefined {
  const id = env.string('GATEWAY_ORG');
  if (!id) return undefined;
  const org = findOrg(id);
  env.check(org !== undefined, `GATEWAY_ORG must be one of ${ORGS.map((o) => o.id).join(', ')}, got "${id}"`);
  return org;
}

function readConnectionProfile(env: EnvReader): Record<string, unknown> {
  const text = env.file('FABRIC_CONNECTION_PROFILE');
  if (text === undefined) return {};
  try {
    const profile: unknown = JSON.parse(text);
    if (profile && typeof profile === 'object' && !Array.isArray(profile)) {
      return profile as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  env.check(false, 'FABRIC_CONNECTION_PROFILE must be a JSON connection profile');
  return {};
}

function readWallet(env: EnvReader): string {
  const dir = env.string('FABRIC_WALLET');
  env.check(
    !dir || (existsSync(dir) && statSync(dir).isDirectory()),
    `FABRIC_WALLET: no such directory ${dir}`,
  );
  return dir;
}

/** Tokens must be ES256, so the verification key must be an EC P-256 public key. */
function readJwtKey(env: EnvReader): KeyObject | undefined {
  const pem = env.file('JWT_PUBLIC_KEY_FILE');
  if (pem === undefined) return undefined;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // reported below
  }
  env.check(false, 'JWT_PUBLIC_KEY_FILE must hold a PEM EC P-256 public key (tokens are ES256)');
  return undefined;
}

function readPseudonymKey(env: EnvReader): Buffer {
  const text = env.file('PSEUDONYM_KEY_FILE');
  if (text === undefined) return Buffer.alloc(0);
  const hex = text.trim();
  const ok = /^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 && hex.length >= 64;
  env.check(ok, 'PSEUDONYM_KEY_FILE must hold at least 32 bytes as hex');
  return ok ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
}

function readCorsOrigins(env: EnvReader): string[] {
  const origins = env
    .string('CORS_ORIGINS', '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    env.check(
      /^https?:\/\/[^/\s]+$/.test(origin),
      `CORS_ORIGINS: "${origin}" is not an origin like https://host`,
    );
  }
  return origins;
}

export function loadConfig(environment: NodeJS.ProcessEnv): GatewayConfig {
  const env = new EnvReader(environment);
  const org = readOrg(env);
  const config = {
    host: env.string('GATEWAY_HOST', '127.0.0.1'),
    port: env.int('GATEWAY_PORT', org?.port ?? 0, 0, 65535),
    fabric: {
      connectionProfile: readConnectionProfile(env),
      walletDir: readWallet(env),
      identity: env.string('FABRIC_IDENTITY', 'client'),
      discoveryAsLocalhost: env.bool('FABRIC_DISCOVERY_AS_LOCALHOST', false),
      endorseTimeoutSeconds: env.int('FABRIC_ENDORSE_TIMEOUT_SECONDS', 30, 1, 600),
      commitTimeoutSeconds: env.int('FABRIC_COMMIT_TIMEOUT_SECONDS', 30, 1, 600),
      connectTimeoutMs: env.int('FABRIC_CONNECT_TIMEOUT_MS', 1000, 100, 60_000),
      conflictRetries: env.int('FABRIC_CONFLICT_RETRIES', 3, 0, 10),
      requestDeadlineSeconds: env.int('FABRIC_REQUEST_DEADLINE_SECONDS', 45, 1, 600),
      orderTimeoutSeconds: env.int('FABRIC_ORDER_TIMEOUT_SECONDS', 5, 1, 600),
    },
    jwtKey: readJwtKey(env),
    jwtIssuer: env.string('JWT_ISSUER'),
    jwtAudience: env.string('JWT_AUDIENCE'),
    jwtMaxTtlSeconds: env.int('JWT_MAX_TTL_SECONDS', 86400, 60, 30 * 86400),
    jwtClockToleranceSeconds: env.int('JWT_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
    pseudonymKey: readPseudonymKey(env),
    bodyLimit: env.string('BODY_LIMIT', '100kb'),
    corsOrigins: readCorsOrigins(env),
    logLevel: env.string('LOG_LEVEL', 'info'),
    events: {
      bufferSize: env.int('EVENTS_BUFFER_SIZE', 10000, 10, 1_000_000),
      heartbeatSeconds: env.int('EVENTS_HEARTBEAT_SECONDS', 15, 1, 3600),
      maxClientBufferBytes: env.int('EVENTS_MAX_CLIENT_BUFFER_BYTES', 1_048_576, 1024, 1 << 30),
      maxStreams: env.int('EVENTS_MAX_STREAMS', 1000, 1, 100_000),
      maxStreamsPerSubject: env.int('EVENTS_MAX_STREAMS_PER_SUBJECT', 5, 1, 1000),
    },
    // Longer than a write's deadline (FABRIC_REQUEST_DEADLINE_SECONDS), so a draining write still answers.
    shutdownGraceSeconds: env.int('SHUTDOWN_GRACE_SECONDS', 50, 0, 600),
  };
  env.check(
    /^\d+(b|kb|mb)$/i.test(config.bodyLimit),
    `BODY_LIMIT must look like 100kb, got "${config.bodyLimit}"`,
  );
  env.check(LOG_LEVELS.includes(config.logLevel), `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  if (env.problems.length > 0 || !org || !config.jwtKey) throw new ConfigError(env.problems);
  const { jwtKey, jwtIssuer, jwtAudience, jwtMaxTtlSeconds, jwtClockToleranceSeconds, ...rest } = config;
  const jwt = {
    publicKey: jwtKey,
    issuer: jwtIssuer,
    audience: jwtAudience,
    maxTtlSeconds: jwtMaxTtlSeconds,
    clockToleranceSeconds: jwtClockToleranceSeconds,
  };
  return { ...rest, org, jwt };
}
