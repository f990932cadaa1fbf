import { Tx } from '@settlement/chaincode/dist/api';
import type { Product, WriteResult } from '@settlement/chaincode/dist/api';
import { catalogueEndorsers } from '../endorsement';
import { ALL_ROLES, route } from '../route';
import { noQuery, productBody, productListQuery, productParams, productQuery, noParams } from '../schemas';
import { byRecorder, PAGE, paged, RECORD_WITH_TXID, written } from './replies';

export const productRoutes = [
  route({
    method: 'post',
    path: '/v1/products',
    summary: "Publish a product's settlement rules; other content under an existing id makes a new version",
    roles: ['adjuster'],
    params: noParams,
    query: noQuery,
    body: productBody,
    responses: { 201: 'published (a new version)', 200: 'the latest version already has this content' },
    links: { read: { to: 'get /v1/products/:productId', parameters: { productId: 'productId' } } },
    returns: { schema: RECORD_WITH_TXID },
    errors: ['ID_CONFLICT'],
    handle: async ({ body }, { ledger, principal, membership }) =>
      written(
        await ledger.submit<WriteResult<Product>>(
          Tx.publishProduct,
          { ...body, actor: principal.sub },
          { endorsingOrgs: catalogueEndorsers(principal.org, membership.regulator) },
        ),
        byRecorder,
      ),
  }),
  route({
    method: 'get',
    path: '/v1/products',
    summary:
      "Every product's latest version, in productId order, optionally one insurer's; page with nextCursor",
    roles: ALL_ROLES,
    params: noParams,
    query: productListQuery,
    responses: { 200: '{items, nextCursor}' },
    returns: { schema: PAGE },
    handle: async ({ query }, { ledger }) => paged(ledger, Tx.listProducts, query),
  }),
  route({
    method: 'get',
    path: '/v1/products/:productId',
    summary: 'The latest version of a product, or the version asked for',
    roles: ALL_ROLES,
    params: productParams,
    query: productQuery,
    responses: { 200: 'the product' },
    errors: ['NOT_FOUND'],
    handle: async ({ params, query }, { ledger }) => ({
      status: 200,
      body: await ledger.evaluate<Product>(Tx.getProduct, {
        productId: params.productId,
        version: query.version,
      }),
    }),
  }),
];
