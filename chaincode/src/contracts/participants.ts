/** The registry of organisations and their kind: the basis of every access rule. */
import { Transaction } from 'fabric-contract-api';
import { EventName, type Participant } from '../api';
import { BOOTSTRAP_MSP_ID, findParticipant } from '../access';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { forbidden, notFound, validationFailed } from '../errors';
import { createSeal } from '../hospital-seal';
import { KeyType, type Ledger } from '../ledger';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../schemas';
import { parseRequest } from '../validation';
const contentOf = (p: Participant): object => pick(p, ['mspId', 'kind', 'name']);

export class ParticipantsContract extends LedgerContract {
  constructor() {
    super('Participants');
  }

  @Transaction()
  async register(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const bootstrapping = await checkRegistrar(ledger);
    const req = ctx.request(requests.registerParticipant);
    if (bootstrapping && req.mspId === BOOTSTRAP_MSP_ID && req.kind !== 'REGULATOR') {
      throw validationFailed('kind must be REGULATOR when the bootstrap organisation registers itself');
    }
    const key = ledger.key(KeyType.participant, req.mspId);
    const record: Participant = {
      mspId: req.mspId,
      kind: req.kind,
      name: req.name,
      recordedBy: ledger.actor(req.actor),
    };
    const existing = await existingSame(ledger, key, record, contentOf, `participant ${req.mspId}`);
    if (existing) return writeResult(false, existing);
    await ledger.put(key, record);
    // The registering regulator's peer must endorse any later change of the registry entry.
    await ledger.requireEndorsement(key, [ledger.callerMsp]);
    if (record.kind === 'HOSPITAL') await createSeal(ledger, record.mspId);
    ledger.emit({
      type: EventName.ParticipantRegistered,
      parties: [req.mspId],
      refs: [{ mspId: req.mspId }],
    });
    return writeResult(true, record);
  }

  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    await ctx.caller();
    const req = parseRequest(request, requests.participantLookup);
    const participant = await findParticipant(ctx.ledger, req.mspId);
    if (!participant) throw notFound(`participant ${req.mspId}`);
    return canonicalJson(participant);
  }

  @Transaction(false)
  async list(ctx: LedgerContext, request: string): Promise<string> {
    await ctx.caller();
    parseRequest(request, requests.noArguments);
    const entries = await ctx.ledger.scan<Participant>(KeyType.participant);
    return canonicalJson(entries.map((entry) => entry.value));
  }
}

/**
 * Registered regulators register participants. Before that, the bootstrap organisation opens the registry:
 * it may register participants until it has registered itself, which it must do as a REGULATOR.
 * Answers whether the caller is bootstrapping.
 */
async function checkRegistrar(ledger: Ledger): Promise<boolean> {
  const caller = await findParticipant(ledger, ledger.callerMsp);
  if (caller?.kind === 'REGULATOR') return false;
  if (caller === undefined && ledger.callerMsp === BOOTSTRAP_MSP_ID) return true;
  throw forbidden('only regulators register participants');
}
