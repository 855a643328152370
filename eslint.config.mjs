// Lint rules the project follows; `npm run lint` also checks formatting with prettier.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.rdkafka/', 'test-results/', 'bench/c/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // koffi hands back untyped native values; `any` is confined to the FFI boundary.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The arrows of ARCHITECTURE.md: generator and kernel never see vscode; the webview never sees Node.
    files: ['gen/**', 'versions/**', 'extension/kernel/**', 'cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
  {
    // The one protocol module is read by every room, the browser included: it imports nothing.
    files: ['protocol/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['*'] }] },
  },
  {
    files: ['webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'path', 'child_process', '../extension/*', '../../extension/*'] },
      ],
    },
  },
);
