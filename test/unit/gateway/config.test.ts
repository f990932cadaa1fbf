import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ENVIRONMENT, loadConfig } from '../../../gateway/src/config';

describe('gateway configuration', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    writeFileSync(join(dir, 'ec.pem'), ec);
    writeFileSync(join(dir, 'rsa.pem'), rsa);
    const organizations = { Insurer2MSP: { mspid: 'Insurer2MSP' }, Other: { mspid: 'OtherMSP' } };
    const profile = {
      name: 'test',
      version: '1.0.0',
      client: { organization: 'Insurer2MSP' },
      organizations,
    };
    writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
    writeFileSync(
      join(dir, 'stranger.json'),
      JSON.stringify({ ...profile, client: { organization: 'Nobody' } }),
    );
    writeFileSync(join(dir, 'bad.json'), '{not json');
    writeFileSync(join(dir, 'pseudonym.key'), `${'ab'.repeat(32)}\n`);
    writeFileSync(join(dir, 'short.key'), 'abcd');
    mkdirSync(join(dir, 'wallet'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    env = {
      FABRIC_CONNECTION_PROFILE: join(dir, 'profile.json'),
      FABRIC_WALLET: join(dir, 'wallet'),
      JWT_PUBLIC_KEY_FILE: join(dir, 'ec.pem'),
      JWT_ISSUER: 'idp',
      JWT_AUDIENCE: 'gw',
      PSEUDONYM_KEY_FILE: join(dir, 'pseudonym.key'),
    };
  });

  function problems(overrides: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig({ ...env, ...overrides });
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  }

  it('reads a complete configuration with defaults', () => {
    const config = loadConfig(env);
    expect(config.mspId).to.equal('Insurer2MSP');
    expect(config.port).to.equal(8080);
    expect(config.host).to.equal('127.0.0.1');
    expect(config.pseudonymKeys.map((key) => key.length)).to.deep.equal([32]);
    expect(config.fabric).to.include({
      identity: 'client',
      commitTimeoutSeconds: 30,
      connectTimeoutMs: 1000,
      conflictRetries: 3,
      requestDeadlineSeconds: 45,
      orderTimeoutSeconds: 5,
    });
    expect(config.jwt).to.include({ maxTtlSeconds: 86400, clockToleranceSeconds: 5 });
    expect(config.events).to.include({ maxStreams: 1000, maxStreamsPerSubject: 5 });
    expect(config.corsOrigins).to.deep.equal([]);
  });

  it('names every missing variable at once', () => {
    const all = problems(Object.fromEntries(Object.keys(env).map((key) => [key, undefined])));
    for (const name of Object.keys(env)) expect(all.join('\n')).to.contain(name);
  });

  const malformed: Record<string, [NodeJS.ProcessEnv, RegExp]> = {
    'a port that is not a number': [{ GATEWAY_PORT: '80a' }, /GATEWAY_PORT must be an integer/],
    'a missing profile file': [{ FABRIC_CONNECTION_PROFILE: join('/nonexistent', 'p.json') }, /no such file/],
    'a profile that is not JSON': [{ FABRIC_CONNECTION_PROFILE: join('/', 'tmp') }, /no such file/],
    'a wallet that does not exist': [
      { FABRIC_WALLET: '/nonexistent/wallet' },
      /FABRIC_WALLET: no such directory/,
    ],
    'an RSA verification key': [{ JWT_PUBLIC_KEY_FILE: 'RSA' }, /EC P-256 public key/],
    'a short pseudonymisation key': [{ PSEUDONYM_KEY_FILE: 'SHORT' }, /at least 32 bytes/],
    'a bad boolean': [{ FABRIC_DISCOVERY_AS_LOCALHOST: 'yes' }, /true or false/],
    'a bad CORS origin': [{ CORS_ORIGINS: 'https://ok.example, not an origin' }, /not an origin/],
    'a bad body limit': [{ BODY_LIMIT: 'lots' }, /BODY_LIMIT/],
    'a bad log level': [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    'a timeout out of range': [{ FABRIC_COMMIT_TIMEOUT_SECONDS: '0' }, /from 1 to 600/],
    'a deadline out of range': [{ FABRIC_REQUEST_DEADLINE_SECONDS: '0' }, /FABRIC_REQUEST_DEADLINE_SECONDS/],
    'a token lifetime out of range': [{ JWT_MAX_TTL_SECONDS: '10' }, /JWT_MAX_TTL_SECONDS/],
    'a stream cap of zero': [{ EVENTS_MAX_STREAMS_PER_SUBJECT: '0' }, /EVENTS_MAX_STREAMS_PER_SUBJECT/],
    'an identity provider over plain http': [
      { OIDC_ISSUER: 'http://idp.example', OIDC_CLIENT_ID: 'console' },
      /OIDC_ISSUER: must be an https URL/,
    ],
    'an identity provider without a client id': [
      { OIDC_ISSUER: 'https://idp.example' },
      /OIDC_ISSUER and OIDC_CLIENT_ID: set both, or neither/,
    ],
    'the development issuer as the provider': [
      { JWT_ISSUER: 'https://idp.example', OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'console' },
      /OIDC_ISSUER must differ from JWT_ISSUER/,
    ],
    "the gateway's audience as the console's client id": [
      { JWT_AUDIENCE: 'console', OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'console' },
      /OIDC_CLIENT_ID must differ from JWT_AUDIENCE/,
    ],
  };
  for (const [name, [overrides, message]] of Object.entries(malformed)) {
    it(`explains ${name}`, () => {
      const resolved = { ...overrides };
      if (resolved.JWT_PUBLIC_KEY_FILE === 'RSA') resolved.JWT_PUBLIC_KEY_FILE = join(dir, 'rsa.pem');
      if (resolved.PSEUDONYM_KEY_FILE === 'SHORT') resolved.PSEUDONYM_KEY_FILE = join(dir, 'short.key');
      expect(problems(resolved).join('\n')).to.match(message);
    });
  }

  it('reads a key ring, the current key first, skipping blank lines and comments; refuses five keys', () => {
    const ring = join(dir, 'ring.key');
    writeFileSync(ring, `# current\n${'cd'.repeat(32)}\n\n# before the rotation\n${'ab'.repeat(32)}\n`);
    const keys = loadConfig({ ...env, PSEUDONYM_KEY_FILE: ring }).pseudonymKeys;
    expect(keys.map((key) => key.toString('hex'))).to.deep.equal(['cd'.repeat(32), 'ab'.repeat(32)]);
    writeFileSync(ring, ['ab', 'cd', 'ef', '01', '23'].map((byte) => byte.repeat(32)).join('\n'));
    expect(problems({ PSEUDONYM_KEY_FILE: ring }).join()).to.match(/1 to 4 different keys/);
    // The same key twice would send a settlement's pseudonym as its own former one.
    writeFileSync(ring, `${'cd'.repeat(32)}\n${'CD'.repeat(32)}\n`);
    expect(problems({ PSEUDONYM_KEY_FILE: ring }).join()).to.match(/different keys/);
    writeFileSync(ring, `${'cd'.repeat(32)}\nnot hex\n`);
    expect(problems({ PSEUDONYM_KEY_FILE: ring }).join()).to.match(/PSEUDONYM_KEY_FILE/);
  });

  it('rejects a connection profile that is not JSON or does not say whose it is', () => {
    for (const file of ['bad.json', 'stranger.json']) {
      expect(problems({ FABRIC_CONNECTION_PROFILE: join(dir, file) }).join()).to.match(
        /JSON connection profile whose client.organization is one of its organizations/,
      );
    }
  });

  it('reads CORS origins and overrides', () => {
    const config = loadConfig({
      ...env,
      CORS_ORIGINS: 'https://a.example, http://b.example:8080',
      GATEWAY_PORT: '0',
    });
    expect(config.corsOrigins).to.deep.equal(['https://a.example', 'http://b.example:8080']);
    expect(config.port).to.equal(0);
  });
});

describe('gateway configuration table in gateway/README.md', () => {
  /** Each variable of the table with its default cell (one default for several variables applies to each). */
  function documented(): Map<string, string> {
    const readme = readFileSync(join(__dirname, '../../../gateway/README.md'), 'utf8');
    const lines = readme.slice(readme.indexOf('| variable | meaning | default |')).split('\n').slice(2);
    const table = new Map<string, string>();
    for (const row of lines.slice(
      0,
      lines.findIndex((line) => !line.startsWith('|')),
    )) {
      const [names, , defaults] = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const variables = [...names.matchAll(/`(\w+)`/g)].map(([, name]) => name);
      const values = defaults.split(', ');
      expect(values.length, row).to.be.oneOf([1, variables.length]);
      variables.forEach((name, i) => table.set(name, values[values.length === 1 ? 0 : i]));
    }
    return table;
  }

  /** `value` for a literal default, "required", or undefined for a default the table says in words. */
  function schemaDefault(name: keyof typeof ENVIRONMENT.shape): string | undefined {
    const unset = ENVIRONMENT.shape[name].safeParse(undefined);
    if (!unset.success) return 'required';
    return ['string', 'number', 'boolean'].includes(typeof unset.data) ? `\`${unset.data}\`` : undefined;
  }

  it('lists every variable the schema reads, and nothing else', () => {
    expect([...documented().keys()].sort()).to.deep.equal(Object.keys(ENVIRONMENT.shape).sort());
  });

  it("gives each variable the schema's default", () => {
    const table = documented();
    for (const name of Object.keys(ENVIRONMENT.shape) as (keyof typeof ENVIRONMENT.shape)[]) {
      const expected = schemaDefault(name);
      if (expected === undefined) expect(table.get(name), name).to.not.match(/^(`|required)/);
      else expect(table.get(name), name).to.equal(expected);
    }
  });
});
