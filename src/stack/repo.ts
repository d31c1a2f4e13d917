import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An absolute path inside the repository checkout (configs the stack reads are committed files). */
export function repoPath(...parts: string[]): string {
  return join(root, ...parts);
}
