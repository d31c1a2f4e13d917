// Dependency check (part of `npm test`): every package declared in package.json (dependencies and
// devDependencies) must be used by the repository, or every `npm ci` installs it for nothing.
//
// A package counts as used when a scanned file names it as a quoted module specifier ('pkg' or
// 'pkg/sub': imports, require, `--import` arguments, tsconfig `types`), when a command line (an npm
// script, a shell script, the Dockerfile) runs one of its executables or loads it with `--import`,
// or, for `@types/x`, when module `x` is used (for `@types/node`: any 'node:' specifier). Markdown
// is not scanned: naming a package in prose does not use it.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Folders whose files may use a dependency, besides the configuration files at the root. */
export const SCANNED_FOLDERS = ['src', 'bench', 'grafana', 'scripts', 'test', 'load', 'bin'] as const;
const SCANNED_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs', '.json', '.sh', '.yaml', '.yml']);
const ROOT_FILES_NOT_SCANNED = new Set(['package.json', 'package-lock.json']);

export interface DeclaredDependency {
  name: string;
  /** `dependencies` or `devDependencies`, for the message. */
  section: string;
  /** Executables the package installs (its package.json `bin`). */
  bins: readonly string[];
}

export interface SourceText {
  path: string;
  text: string;
}

/** The module name a package serves: `@types/x` types `x`, `@types/a__b` types `@a/b`. */
export function typedModule(name: string): string | undefined {
  if (!name.startsWith('@types/')) return undefined;
  const module = name.slice('@types/'.length);
  return module.includes('__') ? `@${module.replace('__', '/')}` : module;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function namedInSources(module: string, sources: readonly SourceText[], allowScheme: boolean): boolean {
  const suffix = allowScheme ? '(?:[/:][^\'"\\n]*)?' : '(?:/[^\'"\\n]*)?';
  const pattern = new RegExp(`(['"])${escapeRegExp(module)}${suffix}\\1`);
  return sources.some((source) => pattern.test(source.text));
}

/** Commands and `--import`ed modules of shell-like command lines. */
export function commandWords(commandLines: readonly string[]): {
  commands: Set<string>;
  modules: Set<string>;
} {
  const commands = new Set<string>();
  const modules = new Set<string>();
  for (const line of commandLines) {
    for (const segment of line.split(/&&|\|\||\$\(|[;|()\n`]/)) {
      const tokens = segment
        .trim()
        .split(/\s+/)
        .map((token) => token.replace(/^['"]|['"],?$/g, ''))
        .filter((token) => token !== '');
      let first = 0;
      while (first < tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[first]!)) first++;
      while (first < tokens.length && ['npx', 'exec', 'npm', '--'].includes(tokens[first]!)) first++;
      while (first < tokens.length && tokens[first]!.startsWith('-')) first++;
      if (first < tokens.length) commands.add(tokens[first]!);
      tokens.forEach((token, i) => {
        const inline = /^--(?:import|loader|require|experimental-loader)=(.+)$/.exec(token);
        if (inline) modules.add(inline[1]!);
        else if (/^(?:--import|--loader|--require|--experimental-loader|-r)$/.test(token) && tokens[i + 1])
          modules.add(tokens[i + 1]!);
      });
    }
  }
  return { commands, modules };
}

/** The declared dependencies nothing uses, in declaration order. */
export function unusedDependencies(
  declared: readonly DeclaredDependency[],
  sources: readonly SourceText[],
  commandLines: readonly string[],
): DeclaredDependency[] {
  const { commands, modules } = commandWords(commandLines);
  const loaded = (module: string): boolean =>
    [...modules].some((name) => name === module || name.startsWith(`${module}/`));
  return declared.filter((dependency) => {
    const typed = typedModule(dependency.name);
    if (typed !== undefined) return !(namedInSources(typed, sources, true) || loaded(typed));
    const { name, bins } = dependency;
    return !(namedInSources(name, sources, false) || loaded(name) || bins.some((bin) => commands.has(bin)));
  });
}

function binsOf(repoRoot: string, name: string): string[] {
  const unscoped = name.slice(name.lastIndexOf('/') + 1);
  try {
    const manifest = JSON.parse(
      readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'),
    ) as {
      bin?: string | Record<string, string>;
    };
    if (typeof manifest.bin === 'string') return [unscoped];
    if (manifest.bin !== undefined) return Object.keys(manifest.bin);
  } catch {
    // Not installed: its executable, if any, is most likely named after it.
  }
  return [unscoped];
}

function listFiles(repoRoot: string): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return listed.split('\0').filter((path) => path !== '');
  } catch {
    const skipped = new Set(['node_modules', 'dist', 'coverage', '.tmp', '.git']);
    const walk = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir)).flatMap((entry) => {
        if (skipped.has(entry)) return [];
        const path = dir === '' ? entry : `${dir}/${entry}`;
        return statSync(join(repoRoot, path)).isDirectory() ? walk(path) : [path];
      });
    return walk('');
  }
}

function isScanned(path: string): boolean {
  const topLevel = !path.includes('/');
  if (topLevel && ROOT_FILES_NOT_SCANNED.has(path)) return false;
  if (basename(path) === 'Dockerfile') return true;
  if (!SCANNED_EXTENSIONS.has(extname(path))) return false;
  return topLevel || (SCANNED_FOLDERS as readonly string[]).includes(path.slice(0, path.indexOf('/')));
}

/** Checks the repository at `repoRoot`; exits 1 with the unused dependencies named. */
function main(repoRoot: string): void {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declared = (['dependencies', 'devDependencies'] as const).flatMap((section) =>
    Object.keys(manifest[section] ?? {}).map((name) => ({ name, section, bins: binsOf(repoRoot, name) })),
  );
  const sources = listFiles(repoRoot)
    .filter(isScanned)
    .map((path) => ({ path, text: readFileSync(join(repoRoot, path), 'utf8') }));
  const commandLines = [
    ...Object.values(manifest.scripts ?? {}),
    ...sources
      .filter((source) => source.path.endsWith('.sh') || basename(source.path) === 'Dockerfile')
      .flatMap((source) => source.text.split('\n').filter((line) => !line.trimStart().startsWith('#'))),
  ];
  const unused = unusedDependencies(declared, sources, commandLines);
  if (unused.length > 0) {
    console.error(
      `Declared dependencies that nothing uses (no import or quoted module name in ${SCANNED_FOLDERS.join('/, ')}/ ` +
        'or the root config files, and no npm script, shell script or Dockerfile command runs them):',
    );
    for (const dependency of unused) console.error(`  ${dependency.name} (${dependency.section})`);
    console.error(
      `Remove them: npm uninstall ${unused.map((dependency) => dependency.name).join(' ')}` +
        ' (or delete them from package.json and run `npm install --package-lock-only`), then commit both files.',
    );
    process.exit(1);
  }
  console.log(`dependency check: all ${declared.length} declared dependencies are used`);
}

// `tsx scripts/check-dependencies.ts [repository root]` (default: this repository).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..')));
}
