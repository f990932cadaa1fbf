/** Insurers' settlement rules, versioned: a settlement records the version it used, so a new one never rewrites it. */
import { Transaction } from 'fabric-contract-api';
import { EventName, type Product } from '../api';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { idConflict, notFound } from '../errors';
import { KeyType, type Entry } from '../ledger';
import { filteredPage } from '../pages';
import { servingInsurerKey } from '../policies/record';
import { productKey } from '../products/record';
import { pick, sameContent, writeResult } from '../records';
import * as requests from '../schemas';
import { parseRequest } from '../validation';

const contentOf = (p: Product): object =>
  pick(p, ['productId', 'insurer', 'name', 'annualCap', 'accumulatorPeriod', 'benefits']);

export class ProductsContract extends LedgerContract {
  constructor() {
    super('Products');
  }

  /**
   * Same content as the latest version: nothing is written. Other content: a new version. A productId that
   * another insurer already uses is ID_CONFLICT (product ids are one namespace, readable by everyone).
   * Its keys need the insurer's peer for any later change, so no other pair of organisations can rewrite it.
   */
  @Transaction()
  async publish(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller('INSURER');
    const req = ctx.request(requests.publishProduct);
    const latestKey = productKey(ledger, req.productId);
    const latest = await ledger.get<Product>(latestKey);
    if (latest && latest.insurer !== caller.mspId) throw idConflict(`product ${req.productId}`);
    const record: Product = {
      productId: req.productId,
      version: (latest?.version ?? 0) + 1,
      insurer: caller.mspId,
      name: req.name,
      annualCap: req.annualCap,
      accumulatorPeriod: req.accumulatorPeriod,
      benefits: req.benefits,
      recordedBy: ledger.actor(req.actor),
    };
    if (latest && sameContent(latest, record, contentOf)) return writeResult(false, latest);
    const versionKey = productKey(ledger, req.productId, record.version);
    await ledger.put(latestKey, record);
    await ledger.put(versionKey, record);
    await ledger.requireEndorsement(versionKey, [caller.mspId]);
    if (!latest) await ledger.requireEndorsement(latestKey, [caller.mspId]);
    // Written blind, never read here, so that an insurer's concurrent publishes do not conflict on it.
    await ledger.put(servingInsurerKey(ledger, caller.mspId), { insurer: caller.mspId });
    ledger.emit({
      type: EventName.ProductPublished,
      parties: [caller.mspId],
      refs: [{ productId: record.productId, version: String(record.version) }],
    });
    return writeResult(true, record);
  }

  /** Products are public to every participant: hospitals need the rules their settlements follow. */
  @Transaction(false)
  async get(ctx: LedgerContext, request: string): Promise<string> {
    await ctx.caller();
    const req = parseRequest(request, requests.getProduct);
    const product = await ctx.ledger.get<Product>(productKey(ctx.ledger, req.productId, req.version));
    if (!product) throw notFound(`product ${req.productId}`);
    return canonicalJson(product);
  }

  /**
   * Every product's latest version in productId order (the key order of latest versions), public like `get`.
   * There is no index by insurer: its filter reads every product, paged within the scan bound.
   */
  @Transaction(false)
  async list(ctx: LedgerContext, request: string): Promise<string> {
    await ctx.caller();
    const { insurer, limit, bookmark } = parseRequest(request, requests.listProducts);
    const ofInsurer = async ({ value }: Entry<Product>) =>
      insurer === undefined || value.insurer === insurer ? value : undefined;
    const range = { type: KeyType.product, attributes: [] };
    return canonicalJson(await filteredPage(ctx.ledger, range, ofInsurer, limit, bookmark));
  }
}
