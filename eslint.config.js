import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const domGlobals = ['window', 'document', 'localStorage', 'HTMLElement', 'HTMLCanvasElement'];

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'out/**', 'test-results/**', '.device/**', '.gl/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine runs in the iframe and in Node: no DOM, no Figma.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...domGlobals, 'figma'],
      'no-restricted-imports': ['error', { patterns: ['**/plugin/**', '**/ui/**', 'preact', 'preact/*'] }],
    },
  },
  {
    // The sandbox never touches pixels, models or the DOM.
    files: ['src/plugin/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-imports': ['error', { patterns: ['**/engine/**', '**/ui/**', 'onnxruntime-*'] }],
    },
  },
);
