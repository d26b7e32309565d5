import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './repoPaths';

export function readVersion(root: string = findRepoRoot()): string {
  return (
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0'
  );
}
