/**
 * The consortium's organisations as the gateway knows them: the lowercase id used in file names and scripts,
 * the MSP ID used on the ledger and in tokens, what kind of participant each is, and the one role its users hold.
 */
import type { ParticipantKind } from '@settlement/chaincode/dist/api';

export type Role = 'clerk' | 'adjuster' | 'auditor';
export const ROLES: readonly Role[] = ['clerk', 'adjuster', 'auditor'];

export interface OrgInfo {
  id: string;
  mspId: string;
  kind: ParticipantKind;
  /** Development port of this organisation's gateway. */
  port: number;
}

export const ORGS: readonly OrgInfo[] = [
  { id: 'hospital1', mspId: 'Hospital1MSP', kind: 'HOSPITAL', port: 8081 },
  { id: 'hospital2', mspId: 'Hospital2MSP', kind: 'HOSPITAL', port: 8082 },
  { id: 'insurer1', mspId: 'Insurer1MSP', kind: 'INSURER', port: 8083 },
  { id: 'insurer2', mspId: 'Insurer2MSP', kind: 'INSURER', port: 8084 },
  { id: 'regulator', mspId: 'RegulatorMSP', kind: 'REGULATOR', port: 8085 },
];

export const ROLE_OF_KIND: Readonly<Record<ParticipantKind, Role>> = {
  HOSPITAL: 'clerk',
  INSURER: 'adjuster',
  REGULATOR: 'auditor',
};

export function findOrg(id: string): OrgInfo | undefined {
  return ORGS.find((org) => org.id === id);
}

/** Issuer and audience of the development tokens: start.sh configures the gateways with the same values. */
export function devTokenClaims(org: OrgInfo): { issuer: string; audience: string } {
  return { issuer: `dev-idp.${org.id}`, audience: `settlement-gateway.${org.id}` };
}
