/** Facts about a product record shared by its writes, its reads and the settlements that follow it. */
import type { Product } from '../api';
import { KeyType, type Ledger } from '../ledger';

/** Zero-padded so that a product's versions sort in order under the composite key. */
function versionAttribute(version: number): string {
  return String(version).padStart(10, '0');
}

/** The key of a product's latest version, or of the version asked for. */
export function productKey(ledger: Ledger, productId: string, version?: number): string {
  return version === undefined
    ? ledger.key(KeyType.product, productId)
    : ledger.key(KeyType.productVersion, productId, versionAttribute(version));
}

/** Products published before they said how their accumulators run counted them by calendar year. */
export async function latestProduct(ledger: Ledger, productId: string): Promise<Product | undefined> {
  const product = await ledger.get<Product>(productKey(ledger, productId));
  return product && { ...product, accumulatorPeriod: product.accumulatorPeriod ?? 'CALENDAR_YEAR' };
}
