/**
 * A settlement's evidence: download its package, or check it here with the same verifier as `npm run verify`
 * (signatures, certificate chains, block hashes back to the genesis block), so that what the page shows does not
 * rest on this gateway's word. A package file from elsewhere (another member, an archive) is checked the same way.
 */
import type { Verdict } from '../../../evidence/src/verify';
import { download, get } from '../api';
import { useI18n } from '../i18n';
import { Problem, useAction } from '../ui';

/** The verifier and its protobuf decoding are loaded only by those who check a package. */
const verify = async (pkg: unknown): Promise<Verdict> =>
  (await import('../../../evidence/src/verify')).verifyPackage(pkg);

function VerdictView({ verdict }: { verdict: Verdict }) {
  const { t } = useI18n();
  const passed = verdict.checks.filter((c) => c.ok).length;
  return (
    <div class={verdict.ok ? 'verdict verified' : 'verdict refused'} role="status" data-testid="verdict">
      <p>
        <strong>{verdict.ok ? t('verified') : t('notVerified')}</strong>
        {verdict.failure && ` · ${verdict.failure.message}`}
      </p>
      <details>
        <summary>
          {t('checksPassed')}: {passed} / {verdict.checks.length}
        </summary>
        <ul class="checks">
          {verdict.checks.map((check, i) => (
            <li key={i} class={check.ok ? 'ok' : 'failed'}>
              {check.ok ? '✓' : '✗'} {check.message}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function Evidence({ hospital, settlementId }: { hospital: string; settlementId: string }) {
  const { t } = useI18n();
  const path = `/v1/audit/evidence/${encodeURIComponent(hospital)}/${encodeURIComponent(settlementId)}`;
  const saved = useAction<void>();
  const checked = useAction<Verdict>();
  const checkFile = (file: File | undefined) =>
    file &&
    void checked.run(async () => {
      let pkg: unknown;
      try {
        pkg = JSON.parse(await file.text());
      } catch {
        throw new Error(t('notJson'));
      }
      return verify(pkg);
    });
  return (
    <div class="evidence">
      <h3>{t('evidenceTitle')}</h3>
      <p class="help">{t('evidenceHelp')}</p>
      <div class="actions">
        <button
          type="button"
          disabled={saved.busy}
          onClick={() => void saved.run(() => download(path, `evidence-${hospital}-${settlementId}.json`))}
        >
          {t('evidence')}
        </button>
        <button
          type="button"
          disabled={checked.busy}
          onClick={() => void checked.run(async () => verify(await get(path)))}
        >
          {checked.busy ? t('verifying') : t('verifyHere')}
        </button>
        <label>
          {t('verifyFile')}
          <input
            type="file"
            accept="application/json,.json"
            disabled={checked.busy}
            onChange={(e) => checkFile((e.currentTarget as HTMLInputElement).files?.[0])}
          />
        </label>
      </div>
      <Problem error={saved.error ?? checked.error} />
      {checked.result && !checked.busy && <VerdictView verdict={checked.result} />}
    </div>
  );
}
