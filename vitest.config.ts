import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no database) and `db` (tests named *.db.test.ts, which open a database:
// in-memory PGlite by default, a fresh database on the server in DATABASE_URL when it is set).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{packages,apps}/*/src/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**', '**/dist/**'],
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
    ],
  },
});
