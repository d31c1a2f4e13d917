// Revoked installs: a static list from config plus, when Redis is configured, the Redis set
// `filesfu:revoked` (SADD filesfu:revoked <installId> revokes fleet-wide, within cacheSeconds).
//
// Answers are cached per install so that the hot path does at most one SISMEMBER per install per
// cacheSeconds. If Redis is unreachable we keep the last known answer (or "not revoked"): a
// revoked install is still bound to its own rate limit and resource identity, while failing
// closed would drop the whole fleet's telemetry during a Redis blip.

import type { Redis } from 'ioredis';
import { BoundedCache } from '../common/bounded-cache.js';
import { MAX_INSTALL_ID_LENGTH } from './install-token.js';

export const REVOKED_SET_KEY = 'filesfu:revoked';

export interface RevocationOptions {
  revokedInstallIds: readonly string[];
  redis: Redis | undefined;
  cacheSeconds: number;
  /** Bound on cached answers, so a flood of distinct (valid-token) installs cannot grow memory without limit. */
  maxCachedInstalls: number;
  onRedisError: (error: unknown) => void;
}

interface CachedAnswer {
  revoked: boolean;
  expiresAtMs: number;
}

export class RevocationList {
  private readonly staticRevoked: ReadonlySet<string>;
  private readonly cache: BoundedCache<CachedAnswer>;

  constructor(private readonly options: RevocationOptions) {
    this.staticRevoked = new Set(options.revokedInstallIds);
    this.cache = new BoundedCache(options.maxCachedInstalls, MAX_INSTALL_ID_LENGTH);
  }

  /** Synchronous answer when known (static list or fresh cache); undefined when Redis must be asked. */
  cachedAnswer(installId: string, nowMs: number): boolean | undefined {
    if (this.staticRevoked.has(installId)) return true;
    if (this.options.redis === undefined) return false;
    const cached = this.cache.get(installId);
    if (cached !== undefined && cached.expiresAtMs > nowMs) return cached.revoked;
    return undefined;
  }

  async isRevoked(installId: string, nowMs = Date.now()): Promise<boolean> {
    const known = this.cachedAnswer(installId, nowMs);
    if (known !== undefined) return known;
    const redis = this.options.redis;
    if (redis === undefined) return false;
    let revoked: boolean;
    try {
      revoked = (await redis.sismember(REVOKED_SET_KEY, installId)) === 1;
    } catch (error) {
      this.options.onRedisError(error);
      revoked = this.cache.get(installId)?.revoked ?? false;
    }
    this.remember(installId, revoked, nowMs);
    return revoked;
  }

  private remember(installId: string, revoked: boolean, nowMs: number): void {
    this.cache.set(installId, { revoked, expiresAtMs: nowMs + this.options.cacheSeconds * 1000 });
  }
}
