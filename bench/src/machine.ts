/** What a result was measured on and from: machine, toolchain, commit, and how busy the machine was. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, uptime } from 'node:os';
import { join, resolve } from 'node:path';

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
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    kernel: release(),
    node: process.version,
    go: run('go', ['version']),
    fabric: fabricPin ? `v2.5.9 (${fabricPin[1]})` : 'unknown',
    // This machine has run the same code at twice the speed just after booting (bench/README, Results).
    uptimeHours: Number((uptime() / 3600).toFixed(1)),
  };
}

/** 1, 5 and 15 minute load averages: a busy machine at the start makes the figures noisy. */
export const loadAverage = (): number[] => loadavg().map((l) => Number(l.toFixed(2)));
