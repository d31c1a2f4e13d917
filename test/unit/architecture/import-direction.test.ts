// No import runs upward: the folders of src/ and of the gateway are layered, and each may import
// only from the layers below it (docs/architecture.md). A newcomer reads the data path top to bottom.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../../src');

/** Top-level folders of src/, lowest first; a folder may import from the folders before it. */
const TOP_LEVEL: readonly string[][] = [
  ['model', 'otlp'],
  ['gateway', 'watchdog', 'report'],
  ['stack'],
  ['simulator', 'load', 'chaos'], // tools that drive the stack; they may use one another
];

/** The gateway's folders, lowest first (files at its root — app, main, index — sit above all). */
const GATEWAY: readonly string[][] = [
  ['common', 'errors'],
  ['aggregation', 'state', 'validation'],
  ['auth', 'cardinality', 'export', 'persistence'],
  ['ratelimit'],
  ['pipeline'],
  ['http'],
  ['operator'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s));
}

function levelOf(layers: readonly string[][], name: string | undefined): number {
  return layers.findIndex((layer) => layer.includes(name ?? ''));
}

/** The violations: `file → target` where the target's layer is above the file's. */
function upward(root: string, layers: readonly string[][], rootLevel: number): string[] {
  const problems: string[] = [];
  for (const file of files(root)) {
    const own = relative(root, file).split(sep);
    const ownLevel = own.length === 1 ? rootLevel : levelOf(layers, own[0]);
    for (const target of importsOf(file)) {
      const rel = relative(root, target).split(sep);
      if (rel[0] === '..' || rel.length === 1) continue;
      if (rel[0] === own[0]) continue;
      const targetLevel = levelOf(layers, rel[0]);
      // Only the tools (the top layer of src/) may use one another.
      const sideways = targetLevel === ownLevel && !(layers === TOP_LEVEL && ownLevel === layers.length - 1);
      if (targetLevel < 0 || ownLevel < 0 || targetLevel > ownLevel || sideways) {
        problems.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
  }
  return problems;
}

describe('import direction', () => {
  it('every folder of src/ is in a layer, and imports only from the layers below (tools also from one another)', () => {
    const unknown = readdirSync(SRC).filter(
      (name) => statSync(join(SRC, name)).isDirectory() && levelOf(TOP_LEVEL, name) < 0,
    );
    expect(unknown).toEqual([]);
    expect(upward(SRC, TOP_LEVEL, TOP_LEVEL.length)).toEqual([]);
  });

  it('every gateway folder is in a layer, and imports only from the layers below (never sideways)', () => {
    const gateway = join(SRC, 'gateway');
    const unknown = readdirSync(gateway).filter(
      (name) => statSync(join(gateway, name)).isDirectory() && levelOf(GATEWAY, name) < 0,
    );
    expect(unknown).toEqual([]);
    expect(upward(gateway, GATEWAY, GATEWAY.length)).toEqual([]);
  });
});
