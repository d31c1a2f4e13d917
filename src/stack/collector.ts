import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process.js';
import { startAndWait } from './readiness.js';
import { httpOk } from './wait.js';
import { repoPath } from './repo.js';

export interface CollectorPorts {
  otlpHttp: number;
  health: number;
  metrics: number;
}

/** Our collector build with the committed otel-collector/config.yaml; only env vars differ from compose. */
export function collectorProcess(options: {
  binary: string;
  ports: CollectorPorts;
  remoteWriteUrl: string;
  workDir: string;
  echo: boolean;
}): { process: ManagedProcess; start: () => Promise<void> } {
  const { binary, ports, remoteWriteUrl, workDir, echo } = options;
  const storageDir = join(workDir, 'collector-storage');
  mkdirSync(storageDir, { recursive: true });
  const process = new ManagedProcess({
    name: 'collector',
    command: binary,
    args: ['--config', repoPath('otel-collector', 'config.yaml')],
    env: {
      ...globalThis.process.env,
      FILESFU_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.otlpHttp}`,
      FILESFU_COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
      FILESFU_COLLECTOR_METRICS_HOST: '127.0.0.1',
      FILESFU_COLLECTOR_METRICS_PORT: String(ports.metrics),
      FILESFU_COLLECTOR_STORAGE_DIR: storageDir,
      FILESFU_PROMETHEUS_REMOTE_WRITE_URL: remoteWriteUrl,
      FILESFU_COLLECTOR_LOG_LEVEL: 'warn',
    },
    logFile: join(workDir, 'collector.log'),
    echo,
  });
  const start = () => startAndWait(process, () => httpOk(`http://127.0.0.1:${ports.health}/`));
  return { process, start };
}
