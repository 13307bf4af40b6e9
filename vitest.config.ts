import { defineConfig } from 'vitest/config'

// Test tiers by suffix: *.test.ts are pure unit tests (no I/O); *.int.test.ts run against a real broker
// and a real PostgreSQL (started once per run by test/global-setup.ts). Browser tests live in e2e/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/**/src/**/*.int.test.ts', 'apps/**/src/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['./packages/db/src/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
