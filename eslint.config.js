import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'test-artifacts/**',
      'packages/shared/src/led/fonts/*.ts',
      '**/web/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // packages/shared runs in browsers too: no Node built-ins and no I/O libraries (tests may read fixtures).
    files: ['packages/shared/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'net', 'http', 'crypto', 'child_process'],
              message: 'packages/shared is pure: no Node built-ins.',
            },
            {
              group: ['better-sqlite3', 'serialport', 'socket.io', 'socket.io-client', 'fastify', 'pino'],
              message: 'packages/shared is pure: no I/O libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only the store opens SQLite on the controller (the player has its own local store).
    files: ['apps/controller/src/**/*.ts'],
    ignores: ['apps/controller/src/store/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message: 'open SQLite only in apps/controller/src/store',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and scripts may use `any` for JSON answers they assert on.
    files: ['tests/**/*.ts', '**/*.test.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
