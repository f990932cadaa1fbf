/**
 * When this organisation's peer delivered each block as committed, as this gateway saw it live. A block carries
 * no commit time of its own (its transactions carry only their clients' proposal times), so an auditor who
 * wants to compare the two needs an observer: this one. A block committed while the gateway was not watching
 * has no time here, rather than the time the gateway caught up with it.
 *
 * Kept in memory, and appended to a file when one is configured ("blockNumber ISO-time" lines), so that the
 * times outlive a restart.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export class CommitTimes {
  private readonly times = new Map<number, string>();

  constructor(private readonly file?: string) {
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
    // Synchronous, one short line per block: the order of lines stays the order of blocks.
    if (this.file) appendFileSync(this.file, `${blockNumber} ${iso}\n`);
  }

  get(blockNumber: number): string | undefined {
    return this.times.get(blockNumber);
  }
}
