// Type-aware linting: an event system lives or dies by awaited promises (STYLE.md).
import tseslint from 'typescript-eslint';

const deepPath = { group: ['**/libs/*/src/**'], message: 'Import libs by alias (@app/events), not by a deep path.' };
const internals = { group: ['@app/events/internal'], message: 'Application code imports the public API (@app/events); the internal entry is for tests, @app/testing and benchmarks.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.mesh/**', 'coverage/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [deepPath, internals] }],
    },
  },
  {
    // Test support and benchmarks may reach the library's internals; apps and the library's users may not.
    files: ['libs/testing/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepPath] }] },
  },
  {
    // A CLI must start at once: it takes the Nest-free entry of libs/events (the index loads Nest, TypeORM and Ajv).
    files: ['apps/cli/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*/src/**', '!**/libs/events/src/standalone.js'], message: 'Import libs by alias (@app/events), or the standalone entry from the CLI.' }, internals] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
