/** Searching an instance's files (ledgers, logs) for values that must, or must not, be there. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files under `dir` containing `text` (case-insensitive: the gateway upper-cases identity numbers). */
export async function filesContaining(text: string, dir: string): Promise<string[]> {
  try {
    const { stdout } = await run('grep', ['-r', '-a', '-i', '-l', '-F', '-e', text, dir], {
      maxBuffer: 1 << 24,
    });
    return stdout.trim().split('\n');
  } catch (error) {
    if ((error as { code?: number }).code === 1) return []; // grep found nothing
    throw error;
  }
}
