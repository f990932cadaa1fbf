/** Policies: which patient a product covers, when; registered by the product's insurer. */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { EventName, type Policy } from '../api';
import { requireCaller, visible } from '../access';
import { canonicalJson } from '../canonical';
import { forbidden, validationFailed } from '../errors';
import { KeyType, Ledger } from '../ledger';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../requests';
import { emptyPolicyAccumulators } from '../settlements/accumulators';
import { parseRequest } from '../validation';
import { latestProduct } from './products';

const contentOf = (p: Policy): object =>
  pick(p, ['policyRef', 'productId', 'insurer', 'patientRef', 'validFrom', 'validTo']);

const policyParties = (policy: Policy): string[] => [policy.insurer];

export async function findPolicy(ledger: Ledger, policyRef: string): Promise<Policy | undefined> {
  return ledger.get<Policy>(ledger.key(KeyType.policy, policyRef));
}

export class PoliciesContract extends Contract {
  constructor() {
    super('Policies');
  }

  /**
   * The policy and its accumulator key get a key-level policy naming the insurer's peer: every settlement on
   * the policy writes the accumulators, so none can be recorded without the insurer's endorsement.
   */
  @Transaction()
  async register(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger, 'INSURER');
    const req = parseRequest(request, requests.registerPolicy);
    const product = await latestProduct(ledger, req.productId);
    if (!product) throw validationFailed(`productId ${req.productId} is not a known product`);
    if (product.insurer !== caller.mspId)
      throw forbidden(`product ${req.productId} belongs to another insurer`);
    const key = ledger.key(KeyType.policy, req.policyRef);
    const record: Policy = {
      policyRef: req.policyRef,
      productId: req.productId,
      insurer: caller.mspId,
      patientRef: req.patientRef,
      validFrom: req.validFrom,
      validTo: req.validTo,
      recordedBy: ledger.actor(req.actor),
    };
    const existing = await existingSame(ledger, key, record, contentOf, `policy ${req.policyRef}`);
    if (existing) return writeResult(false, existing);
    const accumulatorsKey = ledger.key(KeyType.accumulators, req.policyRef);
    await ledger.put(key, record);
    await ledger.put(accumulatorsKey, emptyPolicyAccumulators(req.policyRef));
    for (const owned of [key, accumulatorsKey]) await ledger.requireEndorsement(owned, [caller.mspId]);
    ledger.emit({
      type: EventName.PolicyRegistered,
      parties: [caller.mspId],
      refs: [{ policyRef: req.policyRef }],
    });
    return writeResult(true, record);
  }

  @Transaction(false)
  async get(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger);
    const req = parseRequest(request, requests.policyLookup);
    const policy = visible(
      caller,
      await findPolicy(ledger, req.policyRef),
      policyParties,
      `policy ${req.policyRef}`,
    );
    return canonicalJson(policy);
  }
}
