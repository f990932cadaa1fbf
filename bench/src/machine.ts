/** What a result was measured on and from: machine, toolchain, commit, and how busy the machine was. */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { cpus, loadavg, release, totalmem, uptime } from 'node:os';
import { join, resolve } from 'node:path';
import { round } from './stats';

const ROOT = resolve(__dirname, '../..');

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

export function gitCommit(): { commit: string; short: string; dirty: boolean } {
  const commit = run('git', ['rev-parse', 'HEAD']);
  return { commit, short: commit.slice(0, 7), dirty: run('git', ['status', '--porcelain']) !== '' };
}

export function machineFacts() {
  const fabricPin = /github\.com\/hyperledger\/fabric (\S+)/.exec(
    readFileSync(join(ROOT, 'network/fabric/go.mod'), 'utf8'),
  );
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    go: run('go', ['version']),
    fabric: fabricPin ? `v2.5.9 (${fabricPin[1]})` : 'unknown',
    // This machine has run the same code at twice the speed just after booting (bench/README, Results).
    uptimeHours: round(uptime() / 3600),
  };
}

/** 1, 5 and 15 minute load averages: a busy machine at the start makes the figures noisy. */
export const loadAverage = (): number[] => loadavg().map((l) => round(l, 2));

export interface SpeedWork {
  hashMiB: number;
  signatures: number;
  roundTrips: number;
}

/** About 0.4 to 0.8 s on this machine, by its speed; the kinds of work a settlement's path is made of. */
export const SPEED_WORK: SpeedWork = { hashMiB: 300, signatures: 3000, roundTrips: 20000 };

/** How long `work` took, in milliseconds. */
async function timedMs(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return round(performance.now() - start);
}

async function loopbackRoundTrips(count: number): Promise<number> {
  const server = createServer((socket) => socket.on('data', (data) => socket.write(data)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1').setNoDelay(true);
  try {
    await new Promise<void>((done) => client.once('connect', done));
    return await timedMs(async () => {
      for (let i = 0; i < count; i++) {
        await new Promise<void>((done) => {
          client.once('data', () => done());
          client.write('x');
        });
      }
    });
  } finally {
    client.destroy();
    server.close();
  }
}

/**
 * The same fixed work timed on the idle machine before the rounds (ms, lower is faster). This machine's speed
 * moves by up to twice between sessions, and the figures say which speed a result was measured at.
 */
export async function machineSpeed(work: SpeedWork = SPEED_WORK) {
  const block = Buffer.alloc(2 ** 20, 7);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = block.subarray(0, 64);
  const sha256Ms = await timedMs(() => {
    const hash = createHash('sha256');
    for (let i = 0; i < work.hashMiB; i++) hash.update(block);
    hash.digest();
  });
  const p256SignMs = await timedMs(() => {
    for (let i = 0; i < work.signatures; i++) sign('sha256', signed, privateKey);
  });
  return { work, sha256Ms, p256SignMs, loopbackRoundTripsMs: await loopbackRoundTrips(work.roundTrips) };
}
