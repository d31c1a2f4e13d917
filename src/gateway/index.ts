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
import { LOOKUP_TIMEOUT_MS, rateLimitKeyPrefix } from './state/index.js';

export { createGatewayApp, createGatewayRequestListener } from './app.js';
export type { GatewayAppDeps } from './app.js';
export { ConfigError, gatewayConfigSchema, loadGatewayConfig, parseGatewayConfig } from './config.js';
export { renderConfigReference } from './config-reference.js';
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
/** Bounds the revocation cache's memory under many distinct installs (answers, ~100 bytes each). */
const MAX_CACHED_REVOCATIONS = 200_000;
/** Signature-verified tokens remembered (~350 bytes each) so repeat exports skip the HMAC. */
const MAX_CACHED_TOKENS = 50_000;
/** Bounds the local rate-limit buckets' memory under many distinct installs. */
const MAX_TRACKED_RATE_LIMIT_KEYS = 200_000;
/** A client gets this long to send its headers (the whole request is bounded by requestTimeoutMs). */
const HEADERS_TIMEOUT_MS = 10_000;
/** Above the watchdog's 10 s export interval, so an exporting install keeps its connection. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const IDLE_SWEEP_INTERVAL_MS = 100;

export async function startGateway(
  config: GatewayConfig,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const log = options.log ?? createJsonLog(config.server.logLevel);
  const redisLog = throttledLog(log, REDIS_ERROR_LOG_INTERVAL_MS);
  const registry = new Registry();
  const metrics = registerHttpMetrics(registry, { defaultMetrics: options.defaultMetrics ?? true });

  // One client for the per-request lookups (auth, rate limits); the state store has its own.
  const lookupRedis = redisLookupClient(config, (error: unknown) =>
    redisLog('warn', 'redis (auth/rate limits) unavailable', { error }),
  );
  const onRedisError = (error: unknown): void =>
    redisLog('warn', 'redis (auth/rate limits) command failed', { error });

  const revocation = new RevocationList({
    revokedInstallIds: config.auth.revokedInstallIds,
    redis: lookupRedis,
    cacheSeconds: config.auth.revocationCacheSeconds,
    maxCachedInstalls: MAX_CACHED_REVOCATIONS,
    onRedisError,
  });
  const authenticator = new Authenticator({
    keys: config.auth.keys,
    maxTokenAgeSeconds: config.auth.maxTokenAgeSeconds,
    // A token's issue time obeys the same client clock-skew bound as a point's timestamp.
    clockSkewSeconds: Math.floor(config.pipeline.validation.maxFutureSkewMs / 1000),
    revocation,
    maxCachedTokens: MAX_CACHED_TOKENS,
  });
  const rateLimiter = new RateLimiter({
    enabled: config.rateLimit.enabled,
    perInstall: config.rateLimit.perInstall,
    perCredential: config.rateLimit.perCredential,
    maxTrackedKeys: MAX_TRACKED_RATE_LIMIT_KEYS,
    redis: lookupRedis,
    redisKeyPrefix: rateLimitKeyPrefix(config.redis),
    onRedisError,
  });

  const pipeline =
    options.pipeline ??
    (await createPipeline(config.pipeline, {
      registry,
      replicaId: config.server.replicaId,
      log,
      redis: config.redis,
      retryAfterSeconds: config.server.retryAfterSeconds,
    }));

  const rejectionReporter = new RejectionReporter(registry, log);
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
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.server.requestTimeoutMs),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
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
        [lookupRedis].flatMap((client) => (client ? [client.quit().catch(() => client.disconnect())] : [])),
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

/** No offline queue: while Redis is down, lookups fail at once and fall back locally. */
function redisLookupClient(config: GatewayConfig, onError: (error: unknown) => void): Redis | undefined {
  if (config.redis.url === undefined) return undefined;
  const client = new Redis(config.redis.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: Math.min(LOOKUP_TIMEOUT_MS, config.redis.commandTimeoutMs),
  });
  client.on('error', onError);
  return client;
}
