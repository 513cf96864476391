// Lint: typescript-eslint's recommended rules, plus the layer rules from docs/architecture.md:
// imports go http → domain → store, never back (src/store imports nothing from src/domain or
// src/http), and src/http reaches storage only through the domain (it imports nothing from src/store).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layerRule = (forbidden, why) => ({
  'no-restricted-imports': [
    'error',
    { patterns: forbidden.map((group) => ({ group: [group], message: why })) },
  ],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/domain/**'],
    rules: layerRule(
      ['**/http/**', '**/app.js', 'fastify', 'better-sqlite3', 'pg'],
      'src/domain has no HTTP and no SQL.',
    ),
  },
  {
    files: ['src/http/**'],
    rules: layerRule(
      ['**/store/**', 'better-sqlite3', 'pg'],
      'src/http reaches storage only through the domain: the row types it needs are in src/domain/rows.ts.',
    ),
  },
  {
    files: ['src/store/**'],
    rules: layerRule(
      ['**/http/**', '**/domain/**', '**/app.js', 'fastify'],
      'src/store knows nothing of HTTP or of the domain: what rows need is defined in src/store.',
    ),
  },
  {
    // Tests read response bodies as JSON of any shape; asserting on them is the point.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
