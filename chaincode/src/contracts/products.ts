/** Insurers' settlement rules, versioned: a settlement records the version it used, so a new one never rewrites it. */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { EventName, type Product } from '../api';
import { requireCaller } from '../access';
import { canonicalJson } from '../canonical';
import { idConflict, notFound } from '../errors';
import { KeyType, Ledger } from '../ledger';
import { pick, sameContent, writeResult } from '../records';
import * as requests from '../requests';
import { parseRequest } from '../validation';

const contentOf = (p: Product): object => pick(p, ['productId', 'insurer', 'name', 'annualCap', 'benefits']);

/** Zero-padded so that a product's versions sort in order under the composite key. */
function versionAttribute(version: number): string {
  return String(version).padStart(10, '0');
}

export async function latestProduct(ledger: Ledger, productId: string): Promise<Product | undefined> {
  return ledger.get<Product>(ledger.key(KeyType.product, productId));
}

export class ProductsContract extends Contract {
  constructor() {
    super('Products');
  }

  /**
   * Same content as the latest version: nothing is written. Other content: a new version. A productId that
   * another insurer already uses is ID_CONFLICT (product ids are one namespace, readable by everyone).
   * Its keys need the insurer's peer for any later change, so no other pair of organisations can rewrite it.
   */
  @Transaction()
  async publish(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger, 'INSURER');
    const req = parseRequest(request, requests.publishProduct);
    const latestKey = ledger.key(KeyType.product, req.productId);
    const latest = await ledger.get<Product>(latestKey);
    if (latest && latest.insurer !== caller.mspId) throw idConflict(`product ${req.productId}`);
    const record: Product = {
      productId: req.productId,
      version: (latest?.version ?? 0) + 1,
      insurer: caller.mspId,
      name: req.name,
      annualCap: req.annualCap,
      benefits: req.benefits,
      recordedBy: ledger.actor(req.actor),
    };
    if (latest && sameContent(latest, record, contentOf)) return writeResult(false, latest);
    const versionKey = ledger.key(KeyType.productVersion, req.productId, versionAttribute(record.version));
    await ledger.put(latestKey, record);
    await ledger.put(versionKey, record);
    await ledger.requireEndorsement(versionKey, [caller.mspId]);
    if (!latest) await ledger.requireEndorsement(latestKey, [caller.mspId]);
    ledger.emit({
      type: EventName.ProductPublished,
      parties: [caller.mspId],
      refs: [{ productId: record.productId, version: String(record.version) }],
    });
    return writeResult(true, record);
  }

  /** Products are public to every participant: hospitals need the rules their settlements follow. */
  @Transaction(false)
  async get(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    await requireCaller(ledger);
    const req = parseRequest(request, requests.getProduct);
    const key =
      req.version === undefined
        ? ledger.key(KeyType.product, req.productId)
        : ledger.key(KeyType.productVersion, req.productId, versionAttribute(req.version));
    const product = await ledger.get<Product>(key);
    if (!product) throw notFound(`product ${req.productId}`);
    return canonicalJson(product);
  }
}
