import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      'network/build/**',
      'network/run/**',
      'network/run-*/**',
      '**/.venv/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: 'error',
      'no-console': 'off',
    },
  },
  {
    // Endorsing peers must compute byte-identical results: no clock, no randomness, no key-order surprises.
    files: ['chaincode/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use the transaction time (Ledger.txTime)' },
        { object: 'Math', property: 'random', message: 'chaincode must be deterministic' },
        { object: 'JSON', property: 'stringify', message: 'use canonicalJson (sorted keys)' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use Ledger.txTime' },
        { selector: "CallExpression[callee.name='Date']", message: 'use Ledger.txTime' },
        { selector: 'ForInStatement', message: 'iterate over sorted keys' },
      ],
    },
  },
  {
    files: ['chaincode/src/canonical.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
