/** The registry of organisations and their kind: the basis of every access rule. */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { EventName, type Participant } from '../api';
import { BOOTSTRAP_MSP_ID, findParticipant, requireCaller } from '../access';
import { canonicalJson } from '../canonical';
import { forbidden, notFound, validationFailed } from '../errors';
import { createSeal } from '../hospital-seal';
import { KeyType, Ledger } from '../ledger';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../requests';
import { object, mspId, parseRequest } from '../validation';

const lookup = object({ mspId });
const contentOf = (p: Participant): object => pick(p, ['mspId', 'kind', 'name']);

export class ParticipantsContract extends Contract {
  constructor() {
    super('Participants');
  }

  @Transaction()
  async register(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const bootstrapping = await checkRegistrar(ledger);
    const req = parseRequest(request, requests.registerParticipant);
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
  async get(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    await requireCaller(ledger);
    const req = parseRequest(request, lookup);
    const participant = await findParticipant(ledger, req.mspId);
    if (!participant) throw notFound(`participant ${req.mspId}`);
    return canonicalJson(participant);
  }

  @Transaction(false)
  async list(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    await requireCaller(ledger);
    parseRequest(request, object({}));
    const entries = await ledger.scan<Participant>(KeyType.participant);
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
