import { mkdirSync, mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mintInstallToken } from '../gateway/auth/index.js';
import { collectorProcess } from './collector.js';
import { portOrFree, freePort, isAddressInUse } from './free-port.js';
import { gatewayProcess } from './gateway-process.js';
import type { ManagedProcess } from './managed-process.js';
import { prometheusProcess } from './prometheus.js';
import { queryInstant, type InstantSample } from './prometheus-client.js';
import { redisProcess } from './redis.js';
import { repoPath } from './repo.js';
import { resolveTools } from './tools.js';
import { waitFor, type WaitOptions } from './wait.js';

export interface StackOptions {
  /** Where configs, data and logs go. Default: a fresh directory under .tmp/ in the checkout. */
  workDir?: string;
  /** 0 or undefined: a free port. */
  gatewayPort?: number;
  prometheusPort?: number;
  /** Collector listen ports (OTLP/HTTP in, health_check, self-metrics); 0 or undefined: free. */
  collectorPorts?: { otlpHttp?: number; health?: number; metrics?: number };
  /** Start a real redis-server and point every gateway at it (shared state). */
  redis?: boolean;
  /** Gateway replicas to start (default 1; 0 starts none). */
  gatewayReplicas?: number;
  /** Deep-partial gateway config, passed as FILESFU_GATEWAY_CONFIG_JSON. */
  gatewayConfig?: Record<string, unknown>;
  gatewayEnv?: Record<string, string>;
  /**
   * Directory under which each replica keeps its checkpoint (`<dir>/gateway-<index>`), so that a
   * gateway restarted within the stack continues its sessions and counters. Default: the workDir;
   * false: nothing persisted.
   */
  gatewayStateDir?: string | false;
  /** Prometheus scrape and rule evaluation interval (s). Tests want it short. Default 5. */
  prometheusIntervalSeconds?: number;
  /** Do not echo child output to stderr (default: echo only when FILESFU_STACK_ECHO=1). */
  quiet?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  gatewayUrls: string[];
  prometheusUrl: string;
  collectorOtlpUrl: string;
  redisUrl: string | undefined;
  workDir: string;
  authKeyId: string;
  authSecret: string;
  mintToken(installId: string): string;
  stopGateway(index: number, signal?: NodeJS.Signals): Promise<void>;
  startGateway(index: number): Promise<void>;
  /** SIGTERM by default; SIGKILL for a crash. */
  stopCollector(signal?: NodeJS.Signals): Promise<void>;
  startCollector(): Promise<void>;
  stopPrometheus(signal?: NodeJS.Signals): Promise<void>;
  startPrometheus(): Promise<void>;
  queryPrometheus(promql: string): Promise<InstantSample[]>;
  waitFor<T>(probe: () => Promise<T | undefined>, options?: WaitOptions): Promise<T>;
  processes(): ManagedProcess[];
  stop(): Promise<void>;
}

/** Whole-stack attempts when a port we chose was taken before its child could bind it. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * Starts the real pipeline on loopback: Redis (optional) → collector → Prometheus → gateway replicas,
 * each as a child process with its log in workDir. Start order follows the data's direction
 * backwards, so nothing sends to a component that is not up yet.
 *
 * Ports we chose ourselves are probed free, yet another process can still bind one before our child
 * does; then the whole stack starts again on fresh ports. Ports the caller fixed are never retried.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const callerFixedPorts = [
    options.gatewayPort,
    options.prometheusPort,
    ...Object.values(options.collectorPorts ?? {}),
  ].some((port) => port !== undefined && port > 0);
  const workDir = options.workDir ?? makeWorkDir();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce({ ...options, workDir });
    } catch (error) {
      if (callerFixedPorts || attempt >= PORT_RACE_ATTEMPTS || !isAddressInUse(error)) throw error;
    }
  }
}

async function startStackOnce(options: StackOptions & { workDir: string }): Promise<Stack> {
  const tools = resolveTools();
  const workDir = options.workDir;
  mkdirSync(workDir, { recursive: true });
  const echo = !options.quiet && process.env.FILESFU_STACK_ECHO === '1';
  const authKeyId = 'stack';
  // Random per stack unless the user fixes it to mint more tokens (npm run token) for this stack.
  const authSecret = process.env.FILESFU_STACK_AUTH_SECRET || randomBytes(32).toString('hex');

  const collectorPorts = {
    otlpHttp: await portOrFree(options.collectorPorts?.otlpHttp),
    health: await portOrFree(options.collectorPorts?.health),
    metrics: await portOrFree(options.collectorPorts?.metrics),
  };
  const prometheusPort = await portOrFree(options.prometheusPort);
  const replicas = options.gatewayReplicas ?? 1;
  const gatewayPorts: number[] = [];
  for (let i = 0; i < replicas; i++) gatewayPorts.push(await portOrFree(i === 0 ? options.gatewayPort : 0));

  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    // Reverse start order: gateways drain into the collector, the collector into Prometheus.
    for (const managed of [...started].reverse()) await managed.stop();
  };

  try {
    const redis = options.redis
      ? redisProcess({ binary: tools.redisServer, port: await freePort(), workDir, echo })
      : undefined;
    if (redis) {
      await redis.start();
      started.push(redis.process);
    }
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const collector = collectorProcess({
      binary: tools.otelcol,
      ports: collectorPorts,
      remoteWriteUrl: `${prometheusUrl}/api/v1/write`,
      workDir,
      echo,
    });
    const prometheus = prometheusProcess({
      binary: tools.prometheus,
      port: prometheusPort,
      workDir,
      intervalSeconds: options.prometheusIntervalSeconds ?? 5,
      targets: {
        gateway: gatewayPorts.map((port) => `127.0.0.1:${port}`),
        'otel-collector': [`127.0.0.1:${collectorPorts.metrics}`],
        prometheus: [`127.0.0.1:${prometheusPort}`],
      },
      echo,
    });
    await prometheus.start();
    started.push(prometheus.process);
    await collector.start();
    started.push(collector.process);

    const collectorOtlpUrl = `http://127.0.0.1:${collectorPorts.otlpHttp}`;
    const gateways = gatewayPorts.map((port, index) =>
      gatewayProcess({
        index,
        port,
        collectorUrl: `${collectorOtlpUrl}/v1/metrics`,
        redisUrl: redis?.url,
        authKeys: `${authKeyId}:${authSecret}`,
        config: options.gatewayConfig,
        extraEnv: options.gatewayEnv,
        stateDir:
          options.gatewayStateDir === false
            ? undefined
            : join(options.gatewayStateDir ?? workDir, `gateway-${index}-state`),
        workDir,
        echo,
      }),
    );
    // Tracked before they start: if one replica fails, the others are stopped too, not orphaned.
    started.push(...gateways.map((gateway) => gateway.process));
    await Promise.all(gateways.map((gateway) => gateway.start()));

    const gatewayAt = (index: number) => {
      const gateway = gateways[index];
      if (!gateway) throw new RangeError(`no gateway replica ${index} (have ${gateways.length})`);
      return gateway;
    };
    return {
      gatewayUrl: gateways[0]?.url ?? '',
      gatewayUrls: gateways.map((gateway) => gateway.url),
      prometheusUrl,
      collectorOtlpUrl,
      redisUrl: redis?.url,
      workDir,
      authKeyId,
      authSecret,
      mintToken: (installId) => mintInstallToken({ installId, keyId: authKeyId, secret: authSecret }),
      stopGateway: (index, signal) => gatewayAt(index).process.stop(signal),
      startGateway: (index) => gatewayAt(index).start(),
      stopCollector: (signal) => collector.process.stop(signal),
      startCollector: () => collector.start(),
      stopPrometheus: (signal) => prometheus.process.stop(signal),
      startPrometheus: () => prometheus.start(),
      queryPrometheus: (promql) => queryInstant(prometheusUrl, promql),
      waitFor: (probe, waitOptions) => waitFor(probe, { timeoutMs: 60_000, ...waitOptions }),
      processes: () => [...started],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function makeWorkDir(): string {
  const base = repoPath('.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'stack-'));
}
