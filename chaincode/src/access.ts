/**
 * Who the caller is (MSP ID from the transaction's creator, kind from the participants registry) and what
 * it may see. Records outside the caller's view are reported as NOT_FOUND, so their existence does not leak.
 */
import type { Pair, Participant, ParticipantKind } from './api';
import { forbidden, notFound, validationFailed } from './errors';
import { KeyType, type Ledger } from './ledger';

export interface Caller {
  mspId: string;
  kind: ParticipantKind;
}

/**
 * The organisation allowed to open the registry. Fixed in code, not read from each chaincode server's
 * environment: servers configured differently would endorse the bootstrap differently.
 */
export const BOOTSTRAP_MSP_ID = 'RegulatorMSP';

export async function findParticipant(ledger: Ledger, mspId: string): Promise<Participant | undefined> {
  return ledger.get<Participant>(ledger.key(KeyType.participant, mspId));
}

/** The caller as a registered participant of one of `kinds` (any kind when none is given). */
export async function requireCaller(ledger: Ledger, ...kinds: ParticipantKind[]): Promise<Caller> {
  const mspId = ledger.callerMsp;
  const participant = await findParticipant(ledger, mspId);
  if (!participant) throw forbidden(`${mspId} is not a registered participant`);
  if (kinds.length > 0 && !kinds.includes(participant.kind)) {
    throw forbidden(`${participant.kind} participants may not do this`);
  }
  return { mspId, kind: participant.kind };
}

export function canSee(caller: Caller, parties: readonly string[]): boolean {
  return caller.kind === 'REGULATOR' || parties.includes(caller.mspId);
}

/** The record if the caller may see it; NOT_FOUND alike whether it is missing or hidden. */
export function visible<T>(
  caller: Caller,
  record: T | undefined,
  parties: (record: T) => string[],
  what: string,
): T {
  if (record === undefined || !canSee(caller, parties(record))) throw notFound(what);
  return record;
}

/**
 * The organisation whose id space a lookup is in: the one named, else the caller's own. An auditor owns no ids,
 * so it must name one (`field` of the request).
 */
export function ownerNamedOrCaller(caller: Caller, named: string | undefined, field: string): string {
  if (named !== undefined) return named;
  if (caller.kind === 'REGULATOR')
    throw validationFailed(`${field}: name the organisation the id belongs to`);
  return caller.mspId;
}

/**
 * Every registered hospital with every registered insurer, narrowed to the hospital or insurer named: the pairs
 * whose collections hold what a period's totals are made of. The registry is small, whatever the ledger's size.
 */
export async function registeredPairs(ledger: Ledger, named: Partial<Pair>): Promise<Pair[]> {
  const participants = (await ledger.scan<Participant>(KeyType.participant)).map((entry) => entry.value);
  const ofKind = (kind: ParticipantKind, only?: string) =>
    participants
      .filter((p) => p.kind === kind && (only === undefined || p.mspId === only))
      .map((p) => p.mspId);
  return ofKind('HOSPITAL', named.hospital).flatMap((hospital) =>
    ofKind('INSURER', named.insurer).map((insurer) => ({ hospital, insurer })),
  );
}

/** Whether a hospital and an insurer are registered as such: only such a pair has a collection to read. */
async function isRegisteredPair(ledger: Ledger, pair: Pair): Promise<boolean> {
  const hospital = await findParticipant(ledger, pair.hospital);
  const insurer = await findParticipant(ledger, pair.insurer);
  return hospital?.kind === 'HOSPITAL' && insurer?.kind === 'INSURER';
}

/** Refuses, as NOT_FOUND, a pair that is not a registered hospital and insurer: it has no records. */
export async function ensureRegisteredPair(ledger: Ledger, pair: Pair, what: string): Promise<void> {
  if (!(await isRegisteredPair(ledger, pair))) throw notFound(what);
}
