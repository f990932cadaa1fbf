/**
 * Who this gateway speaks for, as the ledger knows it: its organisation (from the connection profile), that
 * organisation's kind in the participant registry and so the one role its users hold, and the regulator (the
 * second endorser of catalogue writes). Nothing here names an organisation: any member of any consortium runs
 * the same gateway.
 */
import type { Participant, ParticipantKind } from '@settlement/chaincode/dist/api';
import { Tx } from '@settlement/chaincode/dist/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { LedgerClient } from './ledger';

export type Role = 'clerk' | 'adjuster' | 'auditor';
export const ROLES: readonly Role[] = ['clerk', 'adjuster', 'auditor'];

export const ROLE_OF_KIND: Readonly<Record<ParticipantKind, Role>> = {
  HOSPITAL: 'clerk',
  INSURER: 'adjuster',
  REGULATOR: 'auditor',
};

export interface Membership {
  mspId: string;
  kind: ParticipantKind;
  role: Role;
  /** The regulator's MSP ID. */
  regulator: string;
}

/** The membership, once the participant registry holds both this organisation and the regulator. */
export function membershipOf(mspId: string, participants: readonly Participant[]): Membership | undefined {
  const own = participants.find((p) => p.mspId === mspId);
  const regulator = participants.find((p) => p.kind === 'REGULATOR');
  if (!own || !regulator) return undefined;
  return { mspId, kind: own.kind, role: ROLE_OF_KIND[own.kind], regulator: regulator.mspId };
}

/**
 * Reads the membership from the ledger, waiting (and saying why) while the peer is unreachable or the regulator
 * has not registered this organisation yet: a newcomer's gateway may start before its registration.
 */
export async function awaitMembership(
  ledger: LedgerClient,
  mspId: string,
  logger: Logger,
  retryMs = 2000,
): Promise<Membership> {
  for (;;) {
    try {
      const membership = membershipOf(mspId, await ledger.evaluate<Participant[]>(Tx.listParticipants, {}));
      if (membership) return membership;
      logger.warn({ mspId }, 'not a registered participant yet: waiting for the regulator to register it');
    } catch (error) {
      logger.warn({ err: error }, 'cannot read the participant registry yet: retrying');
    }
    await sleep(retryMs);
  }
}
