import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The portal is served by the Switchboard server at /ui/ (apps/server/src/routes/assetRoutes.ts) and
// built by scripts/build.mjs. No inline scripts or styles: the server's CSP is `default-src 'self'`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      // @switchboard/contracts is one barrel of zod schemas; the portal needs a few of them. Its modules
      // only define schemas (their `.meta()` registrations matter to the server's OpenAPI, not here),
      // so modules the portal does not use are dropped.
      treeshake: { moduleSideEffects: (id) => !id.includes('/packages/contracts/') },
    },
  },
});
