#!/usr/bin/env node
/**
 * npm run verify -- PACKAGE.json: checks an evidence package offline, printing each check and then one line,
 * verified or the first check that failed. Exit code 0 when verified, 1 when not, 2 when the file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { verifyPackage } from './verify';

async function main(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    console.error('usage: npm run verify -- PACKAGE.json');
    return 2;
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(args[0], 'utf8'));
  } catch (error) {
    console.error(`cannot read ${args[0]}: ${(error as Error).message}`);
    return 2;
  }
  const verdict = await verifyPackage(pkg);
  for (const check of verdict.checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.message}`);
  console.log(verdict.failure ? `NOT VERIFIED: ${verdict.failure.message}` : 'VERIFIED');
  return verdict.ok ? 0 : 1;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
