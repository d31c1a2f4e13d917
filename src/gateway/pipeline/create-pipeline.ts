// Builds the pipeline the config asks for: its state store (in memory, or the shared Redis) and the
// GatewayPipeline over it, started.
import { MemoryStateStore, RedisStateStore } from '../state/index.js';
import type { StateStore, StateStoreOptions } from '../state/index.js';
import { overflowPrometheusSeries, thresholdLabel } from '../../model/index.js';
import { stateKeyPrefix } from '../state/index.js';
import type { PipelineConfig } from './config.js';
import {
  MAX_TRACKED_VERSIONS,
  MAX_ZERO_WIDTH_STREAMS,
  pipelineConfigProblems,
  VERSION_WINDOW_BUCKETS,
} from './config.js';
import type { Pipeline, PipelineDeps } from './contract.js';
import { GatewayPipeline } from './gateway-pipeline.js';

export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
}

/** The state store's view of the pipeline config. */
export function stateStoreOptions(config: PipelineConfig): StateStoreOptions {
  return {
    thresholds: config.sessions.thresholds.map(thresholdLabel),
    episodeMinSamples: config.sessions.episodeMinSamples,
    windowMs: config.sessions.windowSeconds * 1000,
    windowGraceMs: config.sessions.windowGraceSeconds * 1000,
    maxTrackedSessions: config.sessions.maxTrackedSessions,
    maxZeroWidthStreams: MAX_ZERO_WIDTH_STREAMS,
    dedupWindowMs: config.state.dedupWindowMs,
    // The overflow series are forwarded too: their Prometheus series are reserved out of maxSeries.
    seriesBudget: config.limits.maxSeries - overflowPrometheusSeries(config.sessions.thresholds.length),
    seriesIdleTimeoutMs: config.limits.seriesIdleTimeoutMs,
    maxVersions: config.limits.maxVersions,
    versionWindowMs: config.limits.versionWindowMs,
    versionWindowBuckets: VERSION_WINDOW_BUCKETS,
    maxTrackedVersions: MAX_TRACKED_VERSIONS,
  };
}

/** Builds the state store the config asks for; Redis waits (bounded) for its first connection. */
export async function createStateStore(
  config: PipelineConfig,
  deps: Pick<PipelineDeps, 'log' | 'redis'>,
): Promise<StateStore> {
  const options = stateStoreOptions(config);
  const redisUrl = deps.redis?.url;
  if (deps.redis === undefined || redisUrl === undefined) return new MemoryStateStore(options);
  const store = new RedisStateStore({
    ...options,
    url: redisUrl,
    keyPrefix: stateKeyPrefix(deps.redis),
    commandTimeoutMs: deps.redis.commandTimeoutMs,
    log: deps.log,
  });
  if (!(await store.waitUntilReady(deps.redis.commandTimeoutMs))) {
    // Not fatal: ioredis keeps reconnecting; until then /readyz is 503 and exports get Retry-After.
    deps.log('warn', 'redis state store not reachable yet; pipeline not ready', {
      redisUrl: redactUrl(redisUrl),
    });
  }
  return store;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable>';
  }
}

export async function createPipeline(config: PipelineConfig, deps: PipelineDeps): Promise<Pipeline> {
  const problems = pipelineConfigProblems(config);
  if (problems.length > 0) throw new PipelineConfigError(`invalid pipeline config: ${problems.join('; ')}`);
  const store = await createStateStore(config, deps);
  const pipeline = new GatewayPipeline(config, store, deps);
  await pipeline.start();
  return pipeline;
}
