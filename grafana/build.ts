// npm run dashboards: (re)writes every generated file (grafana/dashboards/*.json). Commit the result;
// `npm test` fails on drift (scripts/check-drift.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILES } from './generated-files.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

for (const file of GENERATED_FILES) {
  const target = resolve(repoRoot, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.render());
  console.log(`wrote ${file.path}`);
}
