/**
 * An insurer's products (its own listed, any other looked up by id), each one's benefits, and a policy looked up
 * by its reference.
 */
import { useState } from 'preact/hooks';
import { get, getAll } from '../api';
import { useI18n } from '../i18n';
import type { Policy, Product } from '../types';
import { Field, Money, Problem, Section, useAction, useLoad } from '../ui';
import { useSession } from '../App';

export function Products() {
  const { t } = useI18n();
  const { session } = useSession();
  const [productId, setProductId] = useState('');
  const [policyRef, setPolicyRef] = useState('');
  const own = useLoad(() => getAll<Product>('/v1/products', { insurer: session.org }), [session.org]);
  const product = useAction<Product>();
  const policy = useAction<Policy>();
  const show = (id: string) => void product.run(() => get<Product>(`/v1/products/${encodeURIComponent(id)}`));
  return (
    <Section title={t('nav_products')}>
      <Problem error={own.error} />
      {own.data &&
        (own.data.length ? (
          <table class="products">
            <thead>
              <tr>
                <th scope="col">{t('productId')}</th>
                <th scope="col">{t('productName')}</th>
                <th scope="col">{t('version')}</th>
                <th scope="col">{t('annualCap')}</th>
              </tr>
            </thead>
            <tbody>
              {own.data.map((p) => (
                <tr key={p.productId} data-product={p.productId}>
                  <td>
                    <button type="button" class="link" onClick={() => show(p.productId)}>
                      {p.productId}
                    </button>
                  </td>
                  <td>{p.name}</td>
                  <td>{p.version}</td>
                  <td>
                    <Money fen={p.annualCap} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('none')}</p>
        ))}
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          show(productId);
        }}
      >
        <Field label={t('productId')}>
          {(id) => (
            <input id={id} required value={productId} onInput={(e) => setProductId(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit">{t('find')}</button>
      </form>
      <Problem error={product.error} />
      {product.result && (
        <>
          <h3>
            {product.result.name} ({product.result.productId} v{product.result.version})
          </h3>
          <p>
            {t('annualCap')}: <Money fen={product.result.annualCap} />
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('category')}</th>
                <th scope="col">{t('deductible')}</th>
                <th scope="col">{t('ratio')}</th>
              </tr>
            </thead>
            <tbody>
              {product.result.benefits.map((b) => (
                <tr key={b.category}>
                  <td>{b.category}</td>
                  <td>
                    <Money fen={b.deductible} />
                  </td>
                  <td>{(b.ratioBps / 100).toFixed(2)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void policy.run(() => get<Policy>(`/v1/policies/${encodeURIComponent(policyRef)}`));
        }}
      >
        <Field label={t('policyRef')}>
          {(id) => (
            <input id={id} required value={policyRef} onInput={(e) => setPolicyRef(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit">{t('find')}</button>
      </form>
      <Problem error={policy.error} />
      {policy.result && (
        <dl class="facts">
          <dt>{t('product')}</dt>
          <dd>{policy.result.productId}</dd>
          <dt>{t('patientRef')}</dt>
          <dd>
            <code>{policy.result.patientRef}</code>
          </dd>
          <dt>{t('validity')}</dt>
          <dd>
            {policy.result.validFrom} – {policy.result.validTo}
          </dd>
        </dl>
      )}
    </Section>
  );
}
