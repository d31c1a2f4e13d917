import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commandWords,
  typedModule,
  unusedDependencies,
  type DeclaredDependency,
} from '../../../scripts/check-dependencies.js';
import { repoPath } from '../../../src/stack/repo.js';

// Package names here are fixtures, so that this file never counts as using a real dependency.
function dependency(name: string, bins: string[] = []): DeclaredDependency {
  return { name, section: 'dependencies', bins };
}

function unusedNames(declared: DeclaredDependency[], sources: string[], commands: string[] = []): string[] {
  const texts = sources.map((text, i) => ({ path: `src/file-${i}.ts`, text }));
  return unusedDependencies(declared, texts, commands).map((unused) => unused.name);
}

describe('unusedDependencies', () => {
  it('counts imports, subpath imports, require and dynamic import as use', () => {
    const declared = ['fixture-a', '@fixture/b', 'fixture-c', 'fixture-d', 'fixture-e'].map((name) =>
      dependency(name),
    );
    const sources = [
      "import { a } from 'fixture-a';",
      'import type { B } from "@fixture/b/sub/path.js";',
      "const c = require('fixture-c');",
      "const d = await import('fixture-d');",
    ];
    expect(unusedNames(declared, sources)).toEqual(['fixture-e']);
  });

  it('does not count a name in prose, in backticks, or as the prefix of another package', () => {
    const declared = [dependency('fixture'), dependency('@fixture/sdk')];
    const sources = [
      '// rather than @fixture/sdk, which brings tracing',
      '/** see `fixture` */',
      "import x from 'fixture-extra';",
      "import y from '@fixture/sdk-node';",
    ];
    expect(unusedNames(declared, sources)).toEqual(['fixture', '@fixture/sdk']);
  });

  it('counts a package whose executable an npm script or shell line runs', () => {
    const declared = [
      dependency('fixture-runner', ['fixture-run']),
      dependency('fixture-compiler', ['fixture-cc', 'fixture-server']),
      dependency('fixture-linter', ['fixture-lint']),
      dependency('fixture-idle', ['fixture-idle']),
    ];
    const commands = [
      'bash scripts/install-tools.sh && fixture-run bench/x.ts',
      'FIXTURE_MODE=1 npx fixture-cc -p tsconfig.json --noEmit',
      'echo "== lint"; npx --yes fixture-lint --max-warnings 0 .',
      'echo fixture-idle is not run here',
    ];
    expect(unusedNames(declared, [], commands)).toEqual(['fixture-idle']);
  });

  it('counts a package loaded with --import on a command line or in spawn arguments', () => {
    const declared = [
      dependency('fixture-loader'),
      dependency('fixture-hook'),
      dependency('fixture-spawned'),
    ];
    const commands = ['node --import fixture-loader src/main.ts', 'node --import=fixture-hook/esm x.js'];
    const sources = ["spawn(process.execPath, ['--import', 'fixture-spawned', entry]);"];
    expect(unusedNames(declared, sources, commands)).toEqual([]);
  });

  it('counts @types/x as used when module x is used, scoped and scheme modules included', () => {
    const declared = [
      dependency('@types/fixture-web'),
      dependency('@types/fixture__scoped'),
      dependency('@types/fixture-runtime'),
      dependency('@types/fixture-k6'),
      dependency('@types/fixture-gone'),
    ];
    const sources = [
      "import web from 'fixture-web';",
      "import { s } from '@fixture/scoped/deep';",
      "import { readFileSync } from 'fixture-runtime:fs';",
      '{ "compilerOptions": { "types": ["fixture-k6"] } }',
    ];
    expect(unusedNames(declared, sources)).toEqual(['@types/fixture-gone']);
  });

  it('keeps declaration order and the section of each unused dependency', () => {
    const declared: DeclaredDependency[] = [
      { name: 'fixture-z', section: 'devDependencies', bins: [] },
      { name: 'fixture-a', section: 'dependencies', bins: [] },
    ];
    expect(unusedDependencies(declared, [], [])).toEqual(declared);
  });
});

describe('typedModule', () => {
  it('maps @types packages to the module they type, and nothing else', () => {
    expect(typedModule('@types/node')).toBe('node');
    expect(typedModule('@types/babel__core')).toBe('@babel/core');
    expect(typedModule('typescript')).toBeUndefined();
  });
});

describe('commandWords', () => {
  it('finds the command of each segment after env assignments, npx and its flags', () => {
    const { commands, modules } = commandWords([
      'A=1 B=2 npx tsc -p x && vitest run || (cd y; eslint .) | cat $(prettier --version)',
      'node --import tsx --require=dotenv/config main.ts',
    ]);
    expect([...commands].sort()).toEqual(['cat', 'cd', 'eslint', 'node', 'prettier', 'tsc', 'vitest']);
    expect([...modules].sort()).toEqual(['dotenv/config', 'tsx']);
  });
});

describe('scripts/check-dependencies.ts', () => {
  const root = mkdtempSync(join(tmpdir(), 'check-dependencies-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function run(): { status: number; output: string } {
    try {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', repoPath('scripts/check-dependencies.ts'), root],
        { cwd: repoPath(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      return { status: 0, output };
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      return { status: failed.status, output: failed.stdout + failed.stderr };
    }
  }

  it('fails naming each unused dependency and how to remove it, and passes once it is gone', () => {
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'src', 'main.ts'), "import { used } from 'fixture-used';\n");
    writeFileSync(join(root, 'docs', 'notes.md'), "import { x } from 'fixture-unused';\n");
    const manifest = {
      scripts: { lint: 'fixture-lint .' },
      dependencies: { 'fixture-used': '1.0.0', 'fixture-unused': '1.0.0' },
      devDependencies: { 'fixture-lint': '1.0.0' },
    };
    writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
    const failed = run();
    expect(failed.status).toBe(1);
    expect(failed.output).toContain('fixture-unused (dependencies)');
    expect(failed.output).toContain('npm uninstall fixture-unused');
    expect(failed.output).not.toContain('fixture-used (');
    expect(failed.output).not.toContain('fixture-lint (');

    delete (manifest.dependencies as Record<string, string>)['fixture-unused'];
    writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
    const passed = run();
    expect(passed).toEqual({ status: 0, output: 'dependency check: all 2 declared dependencies are used\n' });
  });
});
