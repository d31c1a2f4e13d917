// Writes the generated reference pages under docs/reference/ (gateway configuration, error codes).
// Run `npx tsx scripts/generate-docs.ts` after changing the config schema or the error catalogue;
// scripts/check-drift.ts fails while a committed page differs from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_REFERENCE_DOCS } from '../src/gateway/reference-docs.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

for (const doc of GATEWAY_REFERENCE_DOCS) {
  const path = resolve(repoRoot, doc.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, doc.render());
  console.log(`${doc.path}: written`);
}
