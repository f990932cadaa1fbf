/**
 * Valid request bodies for the long fuzzing, one set per gateway, so that some generated cases reach the ledger
 * and succeed: random policy references and patients never match a record, and without a success no OpenAPI link
 * is ever followed. Each organisation's writes get what its role may write on records seeded here: a hospital a
 * settlement on a policy its patient consented to, an insurer a product, a policy of its product and a consent.
 * test/faults/fuzz_hooks.py fills in fresh ids and invoice numbers.
 *
 * CLI (used by run.sh): ts-node test/faults/support/fuzz-seeds.ts <file>
 */
import { writeFileSync } from 'node:fs';
import { VALIDITY } from '../../integration/support/fixtures';
import { mspOf, OrgId } from './gateways';
import { call } from './http';
import { DEFAULT_PRODUCT, seedPolicy, settlementBody, uniqueId } from './scenario';

type Templates = Record<string, object>;

async function hospitalTemplates(hospital: OrgId, insurer: OrgId): Promise<Templates> {
  const policy = await seedPolicy(insurer, [hospital]);
  return { 'POST /v1/settlements': settlementBody(policy, uniqueId('FZ')) };
}

async function insurerTemplates(insurer: OrgId): Promise<Templates> {
  const product = { name: 'Fuzzing product', ...DEFAULT_PRODUCT };
  const productId = uniqueId('FZPROD');
  const published = await call(insurer, 'POST', '/v1/products', { productId, ...product });
  if (published.status !== 201) throw new Error(`${insurer} product: ${JSON.stringify(published.body)}`);
  const patient = { idType: 'RESIDENT_ID', idNumber: uniqueId('FZID') };
  return {
    'POST /v1/products': product,
    'POST /v1/policies': { productId, patient, ...VALIDITY },
    'POST /v1/authorisations': {
      patient,
      insurer: mspOf(insurer),
      purpose: 'CLAIM_SETTLEMENT',
      evidenceHash: 'e'.repeat(64),
      ...VALIDITY,
    },
  };
}

async function main(file: string): Promise<void> {
  const seeds: Record<string, Templates> = {
    hospital1: await hospitalTemplates('hospital1', 'insurer1'),
    hospital2: await hospitalTemplates('hospital2', 'insurer2'),
    insurer1: await insurerTemplates('insurer1'),
    insurer2: await insurerTemplates('insurer2'),
  };
  writeFileSync(file, JSON.stringify(seeds, null, 2));
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
