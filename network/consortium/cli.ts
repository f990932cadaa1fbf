/**
 * The network scripts' access to the consortium. A network keeps its own copy (run/consortium.json, and the
 * same as tab-separated lines in run/consortium.tsv for the shell), made from the source file when the network
 * is created and changed only by org:add and org:remove.
 * Usage: ts-node network/consortium/cli.ts install FILE RUN_DIR
 *                                          add RUN_DIR ID KIND [NAME]
 *                                          remove RUN_DIR ID
 *                                          generate HOSPITALS INSURERS OUT_FILE
 */
import { writeFileSync } from 'fs';
import * as path from 'path';
import { PARTICIPANT_KINDS, type ParticipantKind } from '../../chaincode/src/schemas';
import {
  Consortium,
  generatedConsortium,
  Organisation,
  readConsortium,
  withOrganisation,
  withoutOrganisation,
} from './consortium';

const json = (consortium: Consortium) => `${JSON.stringify(consortium, null, 2)}\n`;

/**
 * One line per organisation: id, kind, MSP ID, peer, operations and gateway ports, `member` or `departed`, name
 * (last, since it may hold spaces).
 */
function tsv({ organisations, departed }: Consortium): string {
  const line = (state: string) => (o: Organisation) =>
    `${[o.id, o.kind, o.mspId, o.ports.peer, o.ports.operations, o.ports.gateway, state, o.name].join('\t')}\n`;
  return [...organisations.map(line('member')), ...departed.map(line('departed'))].join('');
}

function install(consortium: Consortium, runDir: string): void {
  writeFileSync(path.join(runDir, 'consortium.json'), json(consortium));
  writeFileSync(path.join(runDir, 'consortium.tsv'), tsv(consortium));
}

const running = (runDir: string) => readConsortium(path.join(runDir, 'consortium.json'));

function count(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`${what} must be a whole number from 1 to 64`);
  return n;
}

function kind(text: string): ParticipantKind {
  if (!(PARTICIPANT_KINDS as readonly string[]).includes(text))
    throw new Error(`kind must be one of ${PARTICIPANT_KINDS.join(', ')}`);
  return text as ParticipantKind;
}

function main([command, ...args]: string[]): void {
  switch (command) {
    case 'install':
      install(readConsortium(args[0]), args[1]);
      return;
    case 'add':
      install(
        withOrganisation(running(args[0]), { id: args[1], kind: kind(args[2]), name: args[3] }),
        args[0],
      );
      return;
    case 'remove':
      install(withoutOrganisation(running(args[0]), args[1]), args[0]);
      return;
    case 'generate':
      writeFileSync(
        args[2],
        json(generatedConsortium(count(args[0], 'HOSPITALS'), count(args[1], 'INSURERS'))),
      );
      return;
    default:
      throw new Error('usage: cli.ts install|add|remove|generate ... (see the comment at the top)');
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
