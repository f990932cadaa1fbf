/**
 * Entry point for `fabric-chaincode-node server` (chaincode as a service): the contracts, one class per
 * contract name used in api.ts's Tx ("Contract:transaction"). The benchmarks' Perf contract is served only
 * where CHAINCODE_PERF=true (the bench network sets it on every organisation's service alike).
 */
import { AuditContract } from './contracts/audit';
import { AuthorisationsContract } from './contracts/authorisations';
import { ParticipantsContract } from './contracts/participants';
import { PerfContract } from './contracts/perf';
import { PoliciesContract } from './contracts/policies';
import { ProductsContract } from './contracts/products';
import { SettlementsContract } from './contracts/settlements';
import { StatementsContract } from './contracts/statements';
import { dropUnprintedShimLogs } from './shim-logging';

dropUnprintedShimLogs();

export const contracts = [
  ParticipantsContract,
  ProductsContract,
  PoliciesContract,
  AuthorisationsContract,
  SettlementsContract,
  StatementsContract,
  AuditContract,
  ...(process.env.CHAINCODE_PERF === 'true' ? [PerfContract] : []),
];
