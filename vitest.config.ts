import { defineConfig } from 'vitest/config';

// Projects: `unit` (no database); `db` (*.db.test.ts, which open a database: in-memory PGlite by
// default, a fresh database on the server in DATABASE_URL when it is set — CI runs this project
// again on PostgreSQL); `browser` (*.browser.test.ts, real Debian Chromium through playwright-core).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{packages,apps}/*/src/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        test: {
          name: 'db',
          include: ['{packages,apps}/*/src/**/*.db.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['{packages,apps}/*/src/**/*.browser.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
