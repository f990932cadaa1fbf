/**
 * When this organisation's peer delivered each block as committed, as this gateway saw it live. A block carries
 * no commit time of its own (its transactions carry only their clients' proposal times), so an auditor who
 * wants to compare the two needs an observer: this one. A block committed before the gateway started has no
 * time here.
 *
 * Kept in memory, and appended to a file when one is configured ("blockNumber ISO-time" lines), so that the
 * times outlive a restart. After the gateway lost its peer's stream, the blocks it catches up on get the time it
 * caught up: later than their commit, which an auditor reading a gap should allow for.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Logger } from './logger';

export class CommitTimes {
  private readonly times = new Map<number, string>();

  constructor(
    private readonly file?: string,
    private readonly logger?: Logger,
  ) {
    if (!file || !existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [block, at] = line.split(' ');
      // A line cut short by a crash is skipped; it only loses that block's time.
      if (/^\d+$/.test(block ?? '') && !Number.isNaN(Date.parse(at ?? ''))) this.times.set(Number(block), at);
    }
  }

  /** The first sighting counts: a block delivered again after a reconnect keeps its earlier time. */
  record(blockNumber: number, at: Date): void {
    if (this.times.has(blockNumber)) return;
    const iso = at.toISOString();
    this.times.set(blockNumber, iso);
    if (!this.file) return;
    try {
      // Synchronous, one short line per block: the order of lines stays the order of blocks.
      appendFileSync(this.file, `${blockNumber} ${iso}\n`);
    } catch (error) {
      // A full disk loses a time (kept in memory still), never a commit notification.
      this.logger?.warn({ err: error, blockNumber }, 'could not keep the commit time');
    }
  }

  get(blockNumber: number): string | undefined {
    return this.times.get(blockNumber);
  }
}
