import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoPath } from './repo.js';

/** Paths of the native binaries provisioned by scripts/install-tools.sh. */
export interface ToolPaths {
  otelcol: string;
  prometheus: string;
  promtool: string;
  redisServer: string;
}

export class MissingToolError extends Error {
  constructor(tool: string, hint: string) {
    super(`${tool} not found. ${hint}`);
    this.name = 'MissingToolError';
  }
}

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FILESFU_TOOLS_DIR ?? join(homedir(), '.cache', 'filesfu-tools');
}

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The cache key install-tools.sh gives this checkout's collector build (first 12 hex of sha256). */
function manifestHash(): string {
  const manifest = readFileSync(repoPath('otel-collector', 'builder-config.yaml'));
  return createHash('sha256').update(manifest).digest('hex').slice(0, 12);
}

const INSTALL_HINT = 'Run `npm run tools` (scripts/install-tools.sh) first.';

export function resolveTools(env: NodeJS.ProcessEnv = process.env): ToolPaths {
  const otelcol = env.FILESFU_OTELCOL_BIN ?? join(toolsDir(env), `filesfu-otelcol-${manifestHash()}`);
  if (!existsSync(otelcol)) throw new MissingToolError(`collector binary (${otelcol})`, INSTALL_HINT);
  const find = (name: string, override: string | undefined): string => {
    const path = override ?? onPath(name);
    if (!path) throw new MissingToolError(name, INSTALL_HINT);
    return path;
  };
  return {
    otelcol,
    prometheus: find('prometheus', env.FILESFU_PROMETHEUS_BIN),
    promtool: find('promtool', env.FILESFU_PROMTOOL_BIN),
    redisServer: find('redis-server', env.FILESFU_REDIS_SERVER_BIN),
  };
}
