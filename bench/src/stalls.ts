/**
 * How long the whole machine stood still during a window, from the kernel's pressure-stall information
 * (/proc/pressure): the time in which every non-idle task waited for the disk at once ("io full"), and in which
 * some runnable task waited for a CPU ("cpu some"). Recorded to tell whether a fixed-rate round's seconds-long
 * tail, with the CPUs not saturated, is the machine waiting on its disk (the peers fsync every block).
 */
import { readFileSync } from 'node:fs';

export interface Stalls {
  /** Milliseconds in which every non-idle task waited for I/O. */
  ioFullMs: number;
  /** The most of that in any one second of the window. */
  ioFullWorstSecondMs: number;
  /** Milliseconds in which at least one runnable task waited for a CPU. */
  cpuSomeMs: number;
}

/** The cumulative "total=" (µs) of one line ("some" or "full") of a /proc/pressure file. */
export function pressureTotal(text: string, line: 'some' | 'full'): number | undefined {
  const match = new RegExp(`^${line} .*total=(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The kernel's running totals, in µs: every non-idle task waiting for I/O, and some task waiting for a CPU. */
export interface PressureTotals {
  ioFullUs: number;
  cpuSomeUs: number;
}

function readPressure(resource: 'io' | 'cpu', line: 'some' | 'full'): number | undefined {
  try {
    return pressureTotal(readFileSync(`/proc/pressure/${resource}`, 'utf8'), line);
  } catch {
    return undefined;
  }
}

function readTotals(): PressureTotals | undefined {
  const ioFullUs = readPressure('io', 'full');
  const cpuSomeUs = readPressure('cpu', 'some');
  return ioFullUs === undefined || cpuSomeUs === undefined ? undefined : { ioFullUs, cpuSomeUs };
}

/** Stalls of consecutive windows: totals added, the worst second the worst of all. */
export function addStalls(all: readonly (Stalls | undefined)[]): Stalls | undefined {
  const known = all.filter((s): s is Stalls => s !== undefined);
  if (known.length === 0) return undefined;
  return {
    ioFullMs: known.reduce((sum, s) => sum + s.ioFullMs, 0),
    ioFullWorstSecondMs: Math.max(...known.map((s) => s.ioFullWorstSecondMs)),
    cpuSomeMs: known.reduce((sum, s) => sum + s.cpuSomeMs, 0),
  };
}

/** Reads the totals once a second from start() until stop(); undefined where the kernel has no PSI. */
export class StallSampler {
  private timer?: NodeJS.Timeout;
  private readings: (PressureTotals & { at: number })[] = [];

  constructor(
    private readonly read: () => PressureTotals | undefined = readTotals,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** One reading; the timer takes one a second. */
  sample(): void {
    const totals = this.read();
    if (totals) this.readings.push({ ...totals, at: this.now() });
  }

  start(): void {
    this.readings = [];
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    // A round that throws must not leave the process waiting on this timer.
    this.timer.unref();
  }

  stop(): Stalls | undefined {
    clearInterval(this.timer);
    this.sample();
    const r = this.readings;
    if (r.length < 2) return undefined;
    const ms = (us: number): number => Math.round(us / 1000);
    // A timer that fires late makes a step longer than a second; its stall is scaled down to one second's share.
    const perSecond = r.slice(1).map((b, i) => {
      const a = r[i];
      return ((b.ioFullUs - a.ioFullUs) * Math.min(1, 1000 / Math.max(b.at - a.at, 1))) / 1000;
    });
    return {
      ioFullMs: ms(r[r.length - 1].ioFullUs - r[0].ioFullUs),
      ioFullWorstSecondMs: Math.round(Math.max(...perSecond)),
      cpuSomeMs: ms(r[r.length - 1].cpuSomeUs - r[0].cpuSomeUs),
    };
  }
}
