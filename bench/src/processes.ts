/**
 * CPU and memory of the processes under load, read from /proc while a workload runs: each gateway's peak
 * resident memory and CPU, and the network's processes' CPU (which shows where the machine's two cores go).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { round } from './stats';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export interface ProcessUsage {
  /** Mean CPU over the window, in percent of one core. */
  cpuPercent: number;
  peakRssMb: number;
}

function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The network's processes by name (peer-hospital1, orderer0, chaincode...) from its pid files. */
export function networkProcesses(runDir: string): Record<string, number> {
  const dir = join(runDir, 'pids');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.pid'))
      .map((file) => [basename(file, '.pid'), Number(readFileSync(join(dir, file), 'utf8').trim())]),
  );
}

/** Samples the named processes every `intervalMs` from start() until stop(). */
export class UsageSampler {
  private timer?: NodeJS.Timeout;
  private readonly peak = new Map<string, number>();
  private startTicks = new Map<string, number>();
  private startedAt = 0;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly intervalMs = 200,
  ) {}

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, rssMb(pid)));
    }
  }

  start(): void {
    this.peak.clear();
    this.startedAt = Date.now();
    this.startTicks = new Map(Object.entries(this.pids).map(([name, pid]) => [name, cpuTicks(pid) ?? 0]));
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const ticks = (cpuTicks(pid) ?? 0) - (this.startTicks.get(name) ?? 0);
      usage[name] = {
        cpuPercent: round((100 * ticks) / CLOCK_TICKS / seconds),
        peakRssMb: round(this.peak.get(name) ?? 0),
      };
    }
    return usage;
  }
}
