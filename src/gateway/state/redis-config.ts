import { z } from 'zod';

/**
 * The one Redis every replica shares: session state, series budget and versions (`<keyPrefix>gw:`),
 * the rate-limit buckets (`<keyPrefix>rl:`) and the revoked-installs set (`filesfu:revoked`).
 */
/** Also bounds how long the final flush waits for an ingest still talking to the in-memory store. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

export const redisConfigSchema = z
  .object({
    url: z
      .string()
      .url()
      .optional()
      .describe(
        'Redis shared by all replicas (FILESFU_GATEWAY_REDIS_URL): pipeline state, rate-limit budgets and the revoked-installs set; unset = in-memory state, per-replica budgets, config revocation list only (single replica)',
      ),
    keyPrefix: z
      .string()
      .default('filesfu:')
      .describe(
        'Prefix of every key the gateway writes: `<prefix>gw:` pipeline state, `<prefix>rl:` rate limits',
      ),
    commandTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_COMMAND_TIMEOUT_MS)
      .describe(
        'Milliseconds one Redis command may take before it fails: a state command fails the request (the client retries); auth and rate-limit lookups wait at most min(this, 200) and then fall back to local answers',
      ),
  })
  .strict()
  .default({});

export type RedisConfig = z.infer<typeof redisConfigSchema>;

/** Key namespace of the pipeline's state under the shared prefix. */
export const stateKeyPrefix = (config: RedisConfig): string => `${config.keyPrefix}gw:`;
/** Key namespace of the rate-limit buckets under the shared prefix. */
export const rateLimitKeyPrefix = (config: RedisConfig): string => `${config.keyPrefix}rl:`;
/**
 * Auth and rate-limit lookups sit on every request and have a local fallback, so they give Redis
 * only a short wait before answering from the replica's own buckets and cache.
 */
export const LOOKUP_TIMEOUT_MS = 200;
