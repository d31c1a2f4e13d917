import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ManagedProcess } from './managed-process.js';
import { startAndWait } from './readiness.js';
import { httpOk } from './wait.js';
import { repoPath } from './repo.js';

/** The flags both the native stack and docker-compose.yml pass (a test keeps them in step). */
export const PROMETHEUS_FEATURE_FLAGS = [
  '--web.enable-remote-write-receiver',
  '--enable-feature=exemplar-storage',
  '--web.enable-lifecycle',
];

export interface PrometheusTargets {
  /** job_name → host:port targets, replacing the compose hostnames of prometheus/prometheus.yml. */
  [jobName: string]: string[];
}

interface PrometheusConfigFile {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs?: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }>;
  [key: string]: unknown;
}

/**
 * prometheus/prometheus.yml with only what differs natively: scrape targets, intervals and absolute
 * rule_files paths. Everything else (exemplar storage, out-of-order window, rules) is the committed file.
 */
export function renderPrometheusConfig(options: {
  targets: PrometheusTargets;
  intervalSeconds?: number;
}): string {
  const config = parse(
    readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8'),
  ) as PrometheusConfigFile;
  if (options.intervalSeconds) {
    config.global = {
      ...config.global,
      scrape_interval: `${options.intervalSeconds}s`,
      evaluation_interval: `${options.intervalSeconds}s`,
    };
  }
  config.rule_files = (config.rule_files ?? []).map((pattern) => repoPath('prometheus', pattern));
  for (const job of config.scrape_configs ?? []) {
    const targets = options.targets[job.job_name];
    if (targets) job.static_configs = [{ targets }];
  }
  return stringify(config);
}

export function prometheusProcess(options: {
  binary: string;
  port: number;
  workDir: string;
  targets: PrometheusTargets;
  intervalSeconds: number;
  echo: boolean;
}): { process: ManagedProcess; url: string; start: () => Promise<void> } {
  const { binary, port, workDir, targets, intervalSeconds, echo } = options;
  const configFile = join(workDir, 'prometheus.yml');
  const dataDir = join(workDir, 'prometheus-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configFile, renderPrometheusConfig({ targets, intervalSeconds }));
  const url = `http://127.0.0.1:${port}`;
  const process = new ManagedProcess({
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...PROMETHEUS_FEATURE_FLAGS,
      '--log.level=warn',
    ],
    logFile: join(workDir, 'prometheus.log'),
    echo,
  });
  const start = () => startAndWait(process, () => httpOk(`${url}/-/ready`));
  return { process, url, start };
}
