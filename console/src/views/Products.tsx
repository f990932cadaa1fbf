/** An insurer's products and policies, looked up by their ids. */
import { useState } from 'preact/hooks';
import { get } from '../api';
import { useI18n } from '../i18n';
import type { Policy, Product } from '../types';
import { Field, Money, Problem, Section, useAction } from '../ui';

export function Products() {
  const { t } = useI18n();
  const [productId, setProductId] = useState('');
  const [policyRef, setPolicyRef] = useState('');
  const product = useAction<Product>();
  const policy = useAction<Policy>();
  return (
    <Section title={t('nav_products')}>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void product.run(() => get<Product>(`/v1/products/${encodeURIComponent(productId)}`));
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
