// Assembles and runs one gateway replica: config → pipeline, auth, rate limits, express app, HTTP
// server; and the orderly shutdown that loses nothing acknowledged.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createGatewayRequestListener } from './app.js';
import { Authenticator, RevocationList } from './auth/index.js';
import type { GatewayConfig } from './config.js';
import { createJsonLog, registerHttpMetrics, throttledLog, type Log } from './http/index.js';
import { RejectionReporter, reportingPipeline } from './operator/index.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { RateLimiter } from './ratelimit/index.js';

export { createGatewayApp, createGatewayRequestListener } from './app.js';
export type { GatewayAppDeps } from './app.js';
export {
  ConfigError,
  gatewayConfigSchema,
  loadGatewayConfig,
  parseGatewayConfig,
  renderConfigReference,
} from './config.js';
export type { GatewayConfig, GatewayConfigInput } from './config.js';
export { mintInstallToken, verifyInstallToken } from './auth/index.js';
export { GATEWAY_NODE_ARGS, GATEWAY_NODE_OPTIONS, gatewayNodeOptions } from './runtime-options.js';

export interface RunningGateway {
  url: string;
  registry: Registry;
  pipeline: Pipeline;
  /** Readiness false, stop accepting, wait for in-flight requests (bounded), final pipeline flush. */
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  log?: Log;
  /** Replaces the real pipeline (unit tests of the HTTP layer only). */
  pipeline?: Pipeline;
  /** prom-client default process metrics; off when several gateways share one test process. */
  defaultMetrics?: boolean;
}

const REDIS_ERROR_LOG_INTERVAL_MS = 30_000;
const IDLE_SWEEP_INTERVAL_MS = 100;

export async function startGateway(
  config: GatewayConfig,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const log = options.log ?? createJsonLog(config.server.logLevel);
  const redisLog = throttledLog(log, REDIS_ERROR_LOG_INTERVAL_MS);
  const registry = new Registry();
  const metrics = registerHttpMetrics(registry, { defaultMetrics: options.defaultMetrics ?? true });

  const redisClients = new Map<string, Redis>();
  const redisFor = (url: string | undefined, commandTimeout: number): Redis | undefined => {
    if (url === undefined) return undefined;
    let client = redisClients.get(url);
    if (client === undefined) {
      // No offline queue: while Redis is down, commands fail at once and callers fall back locally
      // instead of piling up behind a reconnect.
      client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout });
      client.on('error', (error: unknown) =>
        redisLog('warn', 'redis (auth/rate limits) unavailable', { error }),
      );
      redisClients.set(url, client);
    }
    return client;
  };
  const onRedisError = (error: unknown): void =>
    redisLog('warn', 'redis (auth/rate limits) command failed', { error });

  const revocation = new RevocationList({
    revokedInstallIds: config.auth.revokedInstallIds,
    redis: redisFor(config.auth.redisUrl, config.rateLimit.redisTimeoutMs),
    cacheSeconds: config.auth.revocationCacheSeconds,
    maxCachedInstalls: config.auth.maxCachedRevocations,
    onRedisError,
  });
  const authenticator = new Authenticator({
    keys: config.auth.keys,
    maxTokenAgeSeconds: config.auth.maxTokenAgeSeconds,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    revocation,
    maxCachedTokens: config.auth.maxCachedTokens,
  });
  const rateLimiter = new RateLimiter({
    enabled: config.rateLimit.enabled,
    perInstall: config.rateLimit.perInstall,
    perCredential: config.rateLimit.perCredential,
    maxTrackedKeys: config.rateLimit.maxTrackedKeys,
    redis: redisFor(config.rateLimit.redisUrl, config.rateLimit.redisTimeoutMs),
    redisKeyPrefix: config.rateLimit.redisKeyPrefix,
    onRedisError,
  });

  const pipeline =
    options.pipeline ??
    (await createPipeline(config.pipeline, { registry, replicaId: config.server.replicaId, log }));

  const rejectionReporter = new RejectionReporter(config.rejectionReports, registry, log);
  let draining = false;
  const listener = createGatewayRequestListener(config, {
    pipeline: reportingPipeline(pipeline, rejectionReporter),
    authenticator,
    rateLimiter,
    registry,
    metrics,
    log,
    isDraining: () => draining,
  });

  const server = createServer(
    {
      requestTimeout: config.server.requestTimeoutMs,
      headersTimeout: config.server.headersTimeoutMs,
      keepAliveTimeout: config.server.keepAliveTimeoutMs,
    },
    listener,
  );
  await listen(server, config.server.host, config.server.port);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      log('info', 'draining: readiness false, no new connections', { replicaId: config.server.replicaId });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections that finish their last request during the drain become idle later: keep closing them.
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_INTERVAL_MS);
      idleSweep.unref();
      const graceTimer = setTimeout(() => {
        log('warn', 'shutdown grace period over: closing remaining connections', {
          graceMs: config.server.shutdownGraceMs,
        });
        server.closeAllConnections();
      }, config.server.shutdownGraceMs);
      graceTimer.unref();
      await closed;
      clearTimeout(graceTimer);
      clearInterval(idleSweep);
      // Everything acknowledged is in the pipeline now; its shutdown flushes it (bounded by its config).
      try {
        await pipeline.shutdown();
      } catch (error) {
        log('error', 'pipeline shutdown failed', { error });
      }
      rateLimiter.close();
      rejectionReporter.close();
      await Promise.all(
        [...redisClients.values()].map((client) => client.quit().catch(() => client.disconnect())),
      );
      log('info', 'stopped', { replicaId: config.server.replicaId });
    })();
    return closing;
  };

  return { url, registry, pipeline, close };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
