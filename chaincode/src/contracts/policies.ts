/** Policies: which patient a product covers, when; registered by the product's insurer. */
import { Transaction } from 'fabric-contract-api';
import { EventName, type Policy } from '../api';
import { ownerNamedOrCaller, visible } from '../access';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { forbidden, validationFailed } from '../errors';
import { policiesCollection } from '../collections';
import { eligibility } from '../policies/eligibility';
import { findVisiblePolicy, patientPolicyKey, policyKey, policyParties } from '../policies/record';
import { latestProduct } from '../products/record';
import { existingSame, pick, writeResult } from '../records';
import * as requests from '../schemas';
import { accumulatorsKey, emptyPolicyAccumulators } from '../settlements/accumulators';
import { parseRequest } from '../validation';

const contentOf = (p: Policy): object =>
  pick(p, ['policyRef', 'productId', 'insurer', 'patientRef', 'validFrom', 'validTo']);

export class PoliciesContract extends LedgerContract {
  constructor() {
    super('Policies');
  }

  /**
   * The policy and its accumulators go into the insurer's collection, every write to which needs the insurer's
   * peer: every settlement on the policy writes the accumulators, so none can be recorded without the insurer's
   * endorsement. The reference is the insurer's own: another insurer's use of it is another policy.
   */
  @Transaction()
  async register(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('INSURER');
    const req = ctx.request(requests.registerPolicy);
    const product = await latestProduct(ledger, req.productId);
    if (!product) throw validationFailed(`productId ${req.productId} is not a known product`);
    if (product.insurer !== caller.mspId)
      throw forbidden(`product ${req.productId} belongs to another insurer`);
    const key = policyKey(ledger, caller.mspId, req.policyRef);
    const record: Policy = {
      policyRef: req.policyRef,
      productId: req.productId,
      insurer: caller.mspId,
      patientRef: req.patientRef,
      validFrom: req.validFrom,
      validTo: req.validTo,
      recordedBy: ledger.actor(req.actor),
    };
    const collection = policiesCollection(caller.mspId);
    const what = `policy ${req.policyRef}`;
    const existing = await existingSame(ledger, key, record, contentOf, what, collection);
    if (existing) return writeResult(false, existing);
    await ledger.put(key, record, collection);
    const accumulators = accumulatorsKey(ledger, caller.mspId, req.policyRef);
    await ledger.put(accumulators, emptyPolicyAccumulators(caller.mspId, req.policyRef), collection);
    await ledger.putIndex(patientPolicyKey(ledger, record), collection);
    // The policy's reference is confidential: the event in the block names none.
    ledger.emit({ type: EventName.PolicyRegistered, parties: [caller.mspId], refs: [] });
    return writeResult(true, record);
  }

  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    const req = parseRequest(request, requests.policyLookup);
    const insurer = ownerNamedOrCaller(caller, req.insurer, 'insurer');
    const policy = await findVisiblePolicy(ctx.ledger, caller, insurer, req.policyRef);
    return canonicalJson(visible(caller, policy, policyParties, `policy ${req.policyRef}`));
  }

  /** The patient's policies active on a date, as far as the caller's organisation may see them. */
  @Transaction(false)
  async eligibility(ctx: LedgerContext, request: string): Promise<string> {
    const caller = await ctx.caller();
    return canonicalJson(await eligibility(ctx.ledger, caller, parseRequest(request, requests.eligibility)));
  }
}
