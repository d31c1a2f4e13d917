import { join } from 'node:path';
import { GATEWAY_NODE_ARGS, gatewayNodeOptions } from '../gateway/runtime-options.js';
import { ManagedProcess } from './managed-process.js';
import { startAndWait } from './readiness.js';
import { httpOk } from './wait.js';
import { repoPath } from './repo.js';

export interface GatewayProcessOptions {
  index: number;
  port: number;
  collectorUrl: string;
  redisUrl: string | undefined;
  authKeys: string;
  config: Record<string, unknown> | undefined;
  extraEnv: Record<string, string> | undefined;
  /** The replica's checkpoint directory (FILESFU_GATEWAY_STATE_DIR); undefined = not persisted. */
  stateDir?: string | undefined;
  workDir: string;
  echo: boolean;
}

/** One gateway replica as a real child process (the same entry point production runs). */
export function gatewayProcess(options: GatewayProcessOptions): {
  process: ManagedProcess;
  url: string;
  start: () => Promise<void>;
} {
  const { index, port, collectorUrl, redisUrl, authKeys, config, extraEnv, stateDir, workDir, echo } =
    options;
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: gatewayNodeOptions(process.env['NODE_OPTIONS']),
    FILESFU_GATEWAY_HOST: '127.0.0.1',
    FILESFU_GATEWAY_PORT: String(port),
    FILESFU_GATEWAY_COLLECTOR_URL: collectorUrl,
    FILESFU_GATEWAY_REPLICA_ID: `gateway-${index}`,
    FILESFU_GATEWAY_AUTH_KEYS: authKeys,
    ...(redisUrl ? { FILESFU_GATEWAY_REDIS_URL: redisUrl } : {}),
    ...(stateDir ? { FILESFU_GATEWAY_STATE_DIR: stateDir } : {}),
    ...(config ? { FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify(config) } : {}),
    ...extraEnv,
  };
  const managed = new ManagedProcess({
    name: `gateway-${index}`,
    command: process.execPath,
    args: [...GATEWAY_NODE_ARGS, '--import', 'tsx', repoPath('src', 'gateway', 'main.ts')],
    cwd: repoPath(),
    env,
    logFile: join(workDir, `gateway-${index}.log`),
    echo,
    stopGraceMs: 30_000,
  });
  const start = () => startAndWait(managed, () => httpOk(`${url}/readyz`));
  return { process: managed, url, start };
}
