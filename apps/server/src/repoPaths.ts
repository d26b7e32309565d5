import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this module to the workspace's package.json. Works
 * both from `src/` (tests) and from the bundled `dist/` (npm start).
 */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'switchboard') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Switchboard repository root above this module');
    dir = parent;
  }
}

export function assetPaths(root: string = findRepoRoot()) {
  return {
    demo: join(root, 'apps', 'demo', 'public'),
    sdkDist: join(root, 'packages', 'sdk', 'dist'),
    portal: join(root, 'apps', 'portal', 'dist'),
  };
}
