/**
 * How long the whole machine stood still during a window, from the kernel's pressure-stall information
 * (/proc/pressure): the time in which every non-idle task waited for the disk at once ("io full"), and in which
 * some runnable task waited for a CPU ("cpu some"). A fixed-rate round's seconds-long tail with the CPUs not
 * saturated is the first kind: the five peers wait for their fsyncs together.
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

function readTotal(resource: 'io' | 'cpu', line: 'some' | 'full'): number | undefined {
  try {
    return pressureTotal(readFileSync(`/proc/pressure/${resource}`, 'utf8'), line);
  } catch {
    return undefined;
  }
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
  private io: number[] = [];
  private cpu: number[] = [];

  private sample(): void {
    const io = readTotal('io', 'full');
    const cpu = readTotal('cpu', 'some');
    if (io === undefined || cpu === undefined) return;
    this.io.push(io);
    this.cpu.push(cpu);
  }

  start(): void {
    this.io = [];
    this.cpu = [];
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }

  stop(): Stalls | undefined {
    clearInterval(this.timer);
    this.sample();
    const n = this.io.length;
    if (n < 2) return undefined;
    const ms = (us: number): number => Math.round(us / 1000);
    const steps = this.io.slice(1).map((total, i) => total - this.io[i]);
    return {
      ioFullMs: ms(this.io[n - 1] - this.io[0]),
      ioFullWorstSecondMs: ms(Math.max(...steps)),
      cpuSomeMs: ms(this.cpu[n - 1] - this.cpu[0]),
    };
  }
}
