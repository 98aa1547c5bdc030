// Lint: strict TypeScript hygiene everywhere, plus the Temporal samples' rule that workflow code
// stays deterministic and bundleable (no Node built-ins, Nest, TypeORM or client/worker packages).
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      '.data/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      'libs/persistence/src/migrations/*-*.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // Nest's DI reads constructor parameter types at run time: a type-only import there breaks injection.
    files: ['apps/**/*.ts', 'libs/persistence/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // The web app also runs over plain HTTP on an office's own host name, where browsers withhold the secure-context
    // APIs: crypto.randomUUID blanked every page that made an id (third trial). Use newId() (apps/web/src/ids.ts).
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'crypto', property: 'randomUUID', message: 'Secure contexts only (HTTPS, localhost): use newId() from ids.ts.' },
        { object: 'crypto', property: 'subtle', message: 'Secure contexts only (HTTPS, localhost).' },
        { object: 'navigator', property: 'clipboard', message: 'Secure contexts only (HTTPS, localhost).' },
      ],
    },
  },
  {
    // The benchmark's bare baseline workflow is workflow code too, and so are the domain and contracts libs
    // that workflow code imports (their unit tests run in Node and may read files).
    files: ['workflows/**/*.ts', 'apps/bench/baseline/workflows.ts', 'libs/domain/**/*.ts', 'libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins (use activities).',
          })),
          patterns: [
            { group: ['node:*'], message: 'Workflow code must be deterministic: no Node built-ins.' },
            { group: ['@nestjs/*'], message: 'Workflow code is Nest-free: put the work in an activity.' },
            {
              group: ['typeorm', 'typeorm/*', 'pg', '@df/persistence', '@df/runtime'],
              message: 'Workflow code does no I/O: use an activity.',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'Workflow code imports only @temporalio/workflow (and @temporalio/common).',
            },
          ],
        },
      ],
      // Activity contracts are types only in workflow code.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
);
