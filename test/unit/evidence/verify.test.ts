import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { headerBytes } from '../../../evidence/src/blocks';
import { hex } from '../../../evidence/src/bytes';
import { verifyPackage } from '../../../evidence/src/verify';

describe('Evidence verifier', () => {
  it('encodes a block header in DER as Fabric hashes it: minimal integers, short-form lengths', () => {
    const hash = Buffer.alloc(32, 0xab);
    const der = (number: number, previous: Buffer) =>
      hex(headerBytes({ number, previousHash: previous, dataHash: hash }));
    // The genesis block has no previous hash: an empty OCTET STRING.
    expect(der(0, Buffer.alloc(0))).to.equal(`3027020100${'0400'}0420${'ab'.repeat(32)}`);
    expect(der(127, hash)).to.equal(`304702017f0420${'ab'.repeat(32)}0420${'ab'.repeat(32)}`);
    // 128 has its top bit set: a leading zero keeps it positive.
    expect(der(128, hash).slice(0, 12)).to.equal('304802020080');
    expect(der(256, hash).slice(0, 12)).to.equal('304802020100');
  });

  it('refuses what is not a package of its format and version, naming both', async () => {
    for (const text of [{}, { format: 'settlement-evidence', version: 2 }, null]) {
      const verdict = await verifyPackage(text);
      expect(verdict.ok).to.equal(false);
      expect(verdict.failure?.message).to.equal('not a settlement-evidence package of version 1');
    }
  });

  it('answers exit code 2 for a file it cannot read and 1 for one that does not verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-'));
    writeFileSync(join(dir, 'bad.json'), '{"format": "other"}');
    const cli = resolve(__dirname, '../../../evidence/src/cli.ts');
    const run = (file: string) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register', cli, file], { encoding: 'utf8' });
    expect(run(join(dir, 'missing.json')).status).to.equal(2);
    const bad = run(join(dir, 'bad.json'));
    expect(bad.status).to.equal(1);
    expect(bad.stdout.trim().split('\n').pop()).to.equal(
      'NOT VERIFIED: not a settlement-evidence package of version 1',
    );
  });
});
