// SPDX-License-Identifier: Apache-2.0
// Lint rules of the whole repository (ESLint flat config). `npm run lint` lints everything at once;
// `npx nx run <project>:lint` (inferred by @nx/eslint/plugin) lints one project. Formatting is Prettier's:
// eslint-config-prettier, last, turns off every rule Prettier owns.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import jsonc from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';
import taptr from './tools/lint-rules/taptr-eslint-plugin.js';

/**
 * Code no user runs: tests, benches, test helpers, build scripts and the private programs (benchmarks,
 * tools). It may use node, devDependencies and @taptr/fixtures.
 */
const NOT_SHIPPED = [
  '**/*.test.ts',
  '**/*.test-d.ts',
  '**/test/**/*.ts',
  '**/bench/**/*.ts',
  '**/vitest.config.ts',
  'packages/*/src/testing/**/*.ts',
  'packages/cli/src/test-io.ts',
  'packages/web/scripts/**/*.ts',
  'benchmarks/**',
  'tools/**',
];

/** Packages that run everywhere (tag platform:universal); their `./node` and `./testing` entries are node-only. */
const UNIVERSAL_SOURCES = ['packages/{tensor,pickle,onnx,model,ops,runtime,tracker,tapvid}/src/**/*.ts'];

/**
 * What each tag may import, from the `nx.tags` of every package.json:
 * - platform: universal code imports universal code only; node and web code import universal code and
 *   their own platform (so the tracker can never import an adapter, and the CLI never the web page).
 * - layer: a contract (tensor, runtime) imports contracts only; an implementation imports contracts and
 *   implementations; an app (cli, web, benchmarks, tools) imports anything shipped. layer:testing is
 *   @taptr/fixtures, which no shipped code may import (tests may: see the second block).
 */
const SHIPPED_CONSTRAINTS = [
  {
    sourceTag: 'platform:universal',
    onlyDependOnLibsWithTags: ['platform:universal'],
    bannedExternalImports: ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-web/*', 'bullmq', 'ioredis', 'pngjs', 'webgpu'],
  },
  { sourceTag: 'platform:node', onlyDependOnLibsWithTags: ['platform:universal', 'platform:node'] },
  { sourceTag: 'platform:web', onlyDependOnLibsWithTags: ['platform:universal', 'platform:web'] },
  { sourceTag: 'layer:contract', onlyDependOnLibsWithTags: ['layer:contract'] },
  { sourceTag: 'layer:impl', onlyDependOnLibsWithTags: ['layer:contract', 'layer:impl'] },
  { sourceTag: 'layer:app', onlyDependOnLibsWithTags: ['layer:contract', 'layer:impl', 'layer:app'] },
  { sourceTag: 'layer:testing', onlyDependOnLibsWithTags: ['layer:contract', 'layer:impl'] },
];

/** Tests run in node and may import any package (adapters, @taptr/fixtures): only the structural checks apply. */
const TEST_CONSTRAINTS = [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }];

/** The @nx/enforce-module-boundaries setting with these tag constraints. @param {object[]} depConstraints */
const boundaries = (depConstraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allowCircularSelfDependency: false,
    checkDynamicDependenciesExceptions: [],
    banTransitiveDependencies: true,
    depConstraints,
  },
];

/** Every linted source file. */
const CODE = ['**/*.ts', '**/*.js', '**/*.mjs'];

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '.nx/',
    'packages/fixtures/*/', // data folders (the package's code is in src/)
    'packages/web/generated/',
    'packages/web/test-artifacts/',
    'benchmarks/results/',
    '**/coverage/',
  ]),

  {
    files: CODE,
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is type-checked by the tsconfig.json of its package; the few files outside every
        // tsconfig (root configs, the CLI's bin, plain-JS helpers) by the base options.
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', 'packages/cli/bin/*.js', 'packages/web/test/*.mjs', 'tools/lint-rules/*.js'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@nx': nx, taptr },
    rules: {
      // Numbers and booleans in messages are the norm (`fn: arg must be <expected>, got ${n}`).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // With noUncheckedIndexedAccess, `a[i]!` in the hot typed-array loops is the deliberate idiom
      // (the loop bounds are checked once, in the façade); a runtime check per element would cost speed.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Index-signature types (process.env, Record<string, T>, ONNX feeds by name) are read with brackets
      // on purpose: the key is data, not a declared property (TypeScript's noPropertyAccessFromIndexSignature style).
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
      // No-op members are real implementations of optional work (`dispose() {}` of a CPU backend, a silent progress bar).
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions', 'methods', 'asyncMethods'] }],
      // Public façades check their arguments although the types already constrain them (JS callers and
      // casts bypass types: the repository's invalidArgument convention), and `catch (e)` paths read
      // `(e as Error)?.message` defensively; this rule calls each such check "always false".
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // An async function without await is how a Promise-returning API turns its argument errors into
      // rejections (callers never see a synchronous throw); async generators serve in-memory data as AsyncIterable.
      '@typescript-eslint/require-await': 'off',
      // Re-raising what was caught, or an AbortSignal's reason, passes on a value typed unknown/any as is.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      'taptr/no-cross-package-path': 'error',
      '@nx/enforce-module-boundaries': boundaries(SHIPPED_CONSTRAINTS),
    },
  },
  {
    files: NOT_SHIPPED,
    rules: { '@nx/enforce-module-boundaries': boundaries(TEST_CONSTRAINTS) },
  },
  {
    // Tool configuration, not code: each package's vitest/vite config extends the repository's vitest.shared.ts.
    files: ['**/vitest.config.ts', '**/vite.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Universal code never touches node built-ins (its node-only parts live in src/node and src/testing).
    files: UNIVERSAL_SOURCES,
    ignores: [...NOT_SHIPPED, 'packages/*/src/node/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:', message: 'universal code runs in browsers too: node built-ins belong in src/node (the ./node entry)' }] },
      ],
    },
  },
  {
    // Programs own their terminal: the CLI, benches, tools, scripts and tests may print.
    files: [...NOT_SHIPPED, 'packages/cli/**', '*.ts', '*.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // package.json: every package that shipped code imports is declared, and no declared one is unused
    // (production files only: the build target's inputs leave tests, benches and test/ out).
    files: ['packages/*/package.json', 'benchmarks/package.json', 'tools/package.json'],
    languageOptions: { parser: jsonc },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['build'],
          checkMissingDependencies: true,
          checkObsoleteDependencies: true,
          checkVersionMismatches: false,
          includeTransitiveDependencies: false,
          // Loaded with createRequire (CommonJS, untyped), which no import scanner sees.
          ignoredDependencies: ['color-name'],
        },
      ],
    },
  },
  prettier,
);
