// docs/simulator.md is the scenario format's reference; it must name every field the schema has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltInScenarios } from '../../../src/simulator/scenario-loader.js';
import { scenarioSchema } from '../../../src/simulator/scenario-schema.js';
import { schemaPaths } from '../../../src/simulator/schema-paths.js';
import { repoPath } from '../../../src/stack/repo.js';

const doc = readFileSync(repoPath('docs', 'simulator.md'), 'utf8');

describe('docs/simulator.md', () => {
  it.each(schemaPaths(scenarioSchema))('documents `%s`', (path) => {
    expect(doc).toContain(`| \`${path}\` |`);
  });

  it('lists only fields that exist', () => {
    const documented = [...doc.matchAll(/^\| `([a-zA-Z.<>[\]]+)` \|/gm)].map((match) => match[1]);
    const paths = new Set(schemaPaths(scenarioSchema));
    const scenarios = new Set(listBuiltInScenarios());
    expect(
      documented.filter((path) => path !== undefined && !paths.has(path) && !scenarios.has(path)),
    ).toEqual([]);
  });

  it.each(listBuiltInScenarios())('describes the built-in scenario %s', (name) => {
    expect(doc).toContain(`\`${name}\``);
  });
});
