// Drift check (part of `npm test`): every generated, committed file must equal what its generator
// produces now. Generators are listed in grafana/generated-files.ts; add new ones there.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES } from '../grafana/generated-files.js';
import { GATEWAY_REFERENCE_DOCS } from '../src/gateway/reference-docs.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function committed(path: string): string | undefined {
  try {
    return readFileSync(resolve(repoRoot, path), 'utf8');
  } catch {
    return undefined;
  }
}

// The gateway's reference pages, generated from its config schema and error catalogue.
const staleDocs = GATEWAY_REFERENCE_DOCS.filter((doc) => committed(doc.path) !== doc.render());
if (staleDocs.length) {
  console.error('Reference docs differ from the code (run `npx tsx scripts/generate-docs.ts` and commit):');
  for (const doc of staleDocs)
    console.error(`  ${doc.path}${committed(doc.path) === undefined ? ' (missing)' : ''}`);
  process.exit(1);
}

const drifted = GENERATED_FILES.filter((file) => committed(file.path) !== file.render());
if (drifted.length) {
  console.error('Generated files differ from their generators (run `npm run dashboards` and commit):');
  for (const file of drifted)
    console.error(`  ${file.path}${committed(file.path) === undefined ? ' (missing)' : ''}`);
  process.exit(1);
}
console.log(
  `drift check: ${GENERATED_FILES.length + GATEWAY_REFERENCE_DOCS.length} generated files up to date`,
);
