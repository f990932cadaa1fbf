/**
 * The consortium: which organisations there are, of what kind, under what name, and where each one's processes
 * listen. The one list of organisations: the network scripts, npm start, the tests and the benchmark all read
 * it (the development network's in development.json; a running network keeps its own, changed by org:add and
 * org:remove, in run/consortium.json).
 */
import { readFileSync } from 'fs';
import { z } from 'zod';
import { PARTICIPANT_KINDS, type ParticipantKind } from '../../chaincode/src/schemas';

const port = z.number().int().min(1024).max(32767);

export const ORGANISATION = z.strictObject({
  /** Lowercase, as it appears in host names, folders and process names. */
  id: z.string().regex(/^[a-z][a-z0-9]{0,30}$/, 'lowercase letters and digits, starting with a letter'),
  /** Also part of private data collection names, which allow no dots. */
  mspId: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,48}$/, 'letters and digits, starting with a letter'),
  kind: z.enum(PARTICIPANT_KINDS),
  name: z.string().trim().min(1).max(100),
  /** Before the network's port offset: the peer's (its chaincode port is the next one), its operations
   * endpoint's, its gateway's. */
  ports: z.strictObject({ peer: port, operations: port, gateway: port }),
});
export type Organisation = z.infer<typeof ORGANISATION>;

function unique(orgs: Organisation[], what: string, values: (org: Organisation) => (string | number)[]) {
  const all = orgs.flatMap(values);
  const repeated = all.filter((value, i) => all.indexOf(value) !== i);
  return repeated.length ? [`${what} used twice: ${[...new Set(repeated)].join(', ')}`] : [];
}

export const CONSORTIUM = z
  .strictObject({
    /** In bootstrap order: the regulator first, since it registers every participant, itself included. */
    organisations: z.array(ORGANISATION).min(3),
    /** Organisations that left: their MSP is off the channel, but their records and collections stay. */
    departed: z.array(ORGANISATION).default([]),
  })
  .superRefine(({ organisations: orgs, departed }, ctx) => {
    const problems = [
      ...unique([...orgs, ...departed], 'id', (o) => [o.id]),
      ...unique([...orgs, ...departed], 'mspId', (o) => [o.mspId]),
      ...unique(orgs, 'port', (o) => [o.ports.peer, o.ports.peer + 1, o.ports.operations, o.ports.gateway]),
    ];
    if (orgs.filter((o) => o.kind === 'REGULATOR').length !== 1 || orgs[0].kind !== 'REGULATOR')
      problems.push('exactly one REGULATOR, listed first');
    for (const kind of ['HOSPITAL', 'INSURER'] as const)
      if (!orgs.some((o) => o.kind === kind)) problems.push(`at least one ${kind}`);
    for (const message of problems) ctx.addIssue({ code: 'custom', message, path: ['organisations'] });
  });
export type Consortium = z.infer<typeof CONSORTIUM>;

export function parseConsortium(json: unknown, source: string): Consortium {
  const parsed = CONSORTIUM.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  throw new Error(`${source} is not a valid consortium:\n  - ${problems.join('\n  - ')}`);
}

export function readConsortium(file: string): Consortium {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConsortium(json, file);
}

/** The ports of the next organisation: above every port in use, with room for the peer's chaincode port. */
function nextPorts(organisations: Organisation[]): Organisation['ports'] {
  const highest = (pick: (ports: Organisation['ports']) => number) =>
    Math.max(...organisations.map((o) => pick(o.ports)));
  return {
    peer: highest((p) => p.peer) + 100,
    operations: highest((p) => p.operations) + 1,
    gateway: highest((p) => p.gateway) + 1,
  };
}

interface Newcomer {
  id: string;
  kind: ParticipantKind;
  name?: string;
  mspId?: string;
}

/** The entry of a new organisation, its MSP ID and name made from its id when not given. */
function entry(organisations: Organisation[], org: Newcomer): Organisation {
  const capitalised = org.id[0].toUpperCase() + org.id.slice(1);
  return {
    id: org.id,
    kind: org.kind,
    mspId: org.mspId ?? `${capitalised}MSP`,
    name: org.name ?? capitalised.replace(/(\d+)$/, ' $1'),
    ports: nextPorts(organisations),
  };
}

export function withOrganisation(consortium: Consortium, org: Newcomer): Consortium {
  const known = [...consortium.organisations, ...consortium.departed];
  const organisations = [...consortium.organisations, entry(known, org)];
  return parseConsortium({ ...consortium, organisations }, `the consortium with ${org.id}`);
}

export function withoutOrganisation(consortium: Consortium, id: string): Consortium {
  const org = consortium.organisations.find((o) => o.id === id);
  if (!org) throw new Error(`no organisation ${id} in the consortium`);
  if (org.kind === 'REGULATOR') throw new Error('the regulator cannot leave the consortium');
  const organisations = consortium.organisations.filter((o) => o !== org);
  const departed = [...consortium.departed, org];
  return parseConsortium({ organisations, departed }, `the consortium without ${id}`);
}

/** A development consortium of any size, for measurements: the regulator, then hospitals, then insurers. */
export function generatedConsortium(hospitals: number, insurers: number): Consortium {
  const organisations: Organisation[] = [
    {
      id: 'regulator',
      mspId: 'RegulatorMSP',
      kind: 'REGULATOR',
      name: 'Regulator',
      ports: { peer: 7051, operations: 9444, gateway: 8081 },
    },
  ];
  for (const [kind, count] of [
    ['HOSPITAL', hospitals],
    ['INSURER', insurers],
  ] as const) {
    for (let i = 1; i <= count; i++)
      organisations.push(entry(organisations, { id: `${kind.toLowerCase()}${i}`, kind }));
  }
  return parseConsortium({ organisations }, 'the generated consortium');
}
