// Drift check (part of `npm test`): every generated, committed file must equal what its generator
// produces now. Generators are listed in grafana/generated-files.ts; add new ones there.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES } from '../grafana/generated-files.js';
import { renderConfigReference } from '../src/gateway/config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function committed(path: string): string | undefined {
  try {
    return readFileSync(resolve(repoRoot, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** The block between `<!-- marker:begin -->` and `<!-- marker:end -->` of a committed file. */
function embedded(path: string, marker: string): string | undefined {
  const doc = committed(path) ?? '';
  const begin = `<!-- ${marker}:begin -->\n`;
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(`\n<!-- ${marker}:end -->`, start);
  return start < 0 || stop < 0 ? undefined : doc.slice(start + begin.length, stop);
}

// The gateway's config reference, generated from its schema into docs/gateway.md.
if (embedded('docs/gateway.md', 'config-reference') !== renderConfigReference()) {
  console.error(
    'docs/gateway.md: the config reference differs from the gateway config schema (run `node --import tsx src/gateway/main.ts --write-reference-docs` and commit)',
  );
  process.exit(1);
}

const drifted = GENERATED_FILES.filter((file) => committed(file.path) !== file.render());
if (drifted.length) {
  console.error('Generated files differ from their generators (run `npm run dashboards` and commit):');
  for (const file of drifted)
    console.error(`  ${file.path}${committed(file.path) === undefined ? ' (missing)' : ''}`);
  process.exit(1);
}
console.log(`drift check: ${GENERATED_FILES.length} generated files up to date`);
