import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The vectors of one of the shared files: from a copy inside the repository if there is one, else from the
 * project's shared folder beside it; none when neither exists (the tests then fail on "has vectors to check").
 */
export function sharedVectors<V>(fileName: string): V[] {
  const file = ['../../../../shared', '../../../../../shared']
    .map((folder) => resolve(__dirname, folder, 'vectors', fileName))
    .find((candidate) => existsSync(candidate));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { vectors: V[] }).vectors : [];
}

/** The project's own vectors (test/vectors), which extend the shared ones. */
export function projectVectors<V>(fileName: string): V[] {
  const file = resolve(__dirname, '../../../vectors', fileName);
  return (JSON.parse(readFileSync(file, 'utf8')) as { vectors: V[] }).vectors;
}
