// Reads a scenario file (YAML or JSON — JSON is YAML) or a built-in scenario by name, and turns
// every schema violation into one line "path: message" so a typo is fixed in one go.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { scenarioSchema, type Scenario } from './scenario-schema.js';

export const BUILT_IN_SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
export const DEFAULT_SCENARIO = 'demo-fleet';

export class ScenarioError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: string[],
  ) {
    super(`invalid scenario ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

export function listBuiltInScenarios(): string[] {
  return readdirSync(BUILT_IN_SCENARIO_DIR)
    .filter((file) => /\.ya?ml$|\.json$/.test(file))
    .map((file) => basename(file, extname(file)))
    .sort();
}

/** Resolves "demo-fleet" (built-in) or a path to a file. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  for (const ext of ['.yaml', '.yml', '.json']) {
    const candidate = join(BUILT_IN_SCENARIO_DIR, `${nameOrPath}${ext}`);
    if (existsSync(candidate)) return candidate;
  }
  throw new ScenarioError(nameOrPath, [
    `no such file, and not a built-in scenario (built-in: ${listBuiltInScenarios().join(', ')})`,
  ]);
}

export function loadScenario(nameOrPath: string = DEFAULT_SCENARIO): Scenario {
  const path = resolveScenarioPath(nameOrPath);
  return parseScenario(readFileSync(path, 'utf8'), path);
}

export function parseScenario(text: string, source = '<inline>'): Scenario {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(source, [`not valid YAML/JSON: ${(error as Error).message}`]);
  }
  const result = scenarioSchema.safeParse(document);
  if (!result.success) throw new ScenarioError(source, describeIssues(result.error));
  return result.data;
}

function describeIssues(error: ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
}
