// Per-install and per-credential (signing key) request budgets. The install bucket protects the
// gateway from one noisy or extracted token; the credential bucket caps what any one key can push
// in total (size it above fleet size / export interval, with headroom for replays after outages).
//
// With Redis the budgets are shared by all replicas. If Redis fails we fall back to the local
// buckets for that request instead of failing open or closed: each replica then enforces the limit
// on its own share of the traffic.

import type { Redis } from 'ioredis';
import { MAX_INSTALL_ID_LENGTH } from '../auth/index.js';
import { flatKey } from '../common/flat-key.js';
import { InMemoryTokenBuckets, type BucketLimits } from './token-bucket.js';
import { RedisTokenBuckets } from './redis-token-bucket.js';

export type ThrottleReason = 'rate_limit_install' | 'rate_limit_credential';

export type RateDecision =
  { allowed: true } | { allowed: false; reason: ThrottleReason; retryAfterMs: number };

export interface RateLimiterOptions {
  enabled: boolean;
  perInstall: BucketLimits;
  perCredential: BucketLimits;
  maxTrackedKeys: number;
  redis: Redis | undefined;
  redisKeyPrefix: string;
  onRedisError: (error: unknown) => void;
}

const SWEEP_INTERVAL_MS = 30_000;
/** Buckets examined per event-loop turn while sweeping (~1 ms), so requests are served in between. */
const SWEEP_SLICE_ENTRIES = 2_000;

export class RateLimiter {
  private readonly localInstall: InMemoryTokenBuckets;
  private readonly localCredential: InMemoryTokenBuckets;
  private readonly shared: RedisTokenBuckets | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping = false;
  private closed = false;

  constructor(private readonly options: RateLimiterOptions) {
    // Keys: install ids (at most MAX_INSTALL_ID_LENGTH) and signing key ids (shorter).
    this.localInstall = new InMemoryTokenBuckets(
      options.perInstall,
      options.maxTrackedKeys,
      MAX_INSTALL_ID_LENGTH,
    );
    this.localCredential = new InMemoryTokenBuckets(
      options.perCredential,
      options.maxTrackedKeys,
      MAX_INSTALL_ID_LENGTH,
    );
    if (options.redis !== undefined) {
      this.shared = new RedisTokenBuckets(options.redis, options.redisKeyPrefix);
    }
    this.sweepTimer = setInterval(() => this.startSweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async check(installId: string, keyId: string, nowMs = Date.now()): Promise<RateDecision> {
    if (!this.options.enabled) return { allowed: true };
    if (this.shared !== undefined) {
      try {
        // Both buckets in one round trip; the credential is only charged when the install may send.
        const refused = await this.shared.takeInOrder([
          { key: flatKey(':', ['i', installId]), limits: this.options.perInstall },
          { key: flatKey(':', ['k', keyId]), limits: this.options.perCredential },
        ]);
        if (refused === undefined) return { allowed: true };
        const reason = refused.refusedIndex === 0 ? 'rate_limit_install' : 'rate_limit_credential';
        return { allowed: false, reason, retryAfterMs: refused.retryAfterMs };
      } catch (error) {
        this.options.onRedisError(error);
      }
    }
    const install = this.localInstall.take(installId, nowMs);
    if (!install.allowed) {
      return { allowed: false, reason: 'rate_limit_install', retryAfterMs: install.retryAfterMs };
    }
    const credential = this.localCredential.take(keyId, nowMs);
    if (!credential.allowed) {
      return { allowed: false, reason: 'rate_limit_credential', retryAfterMs: credential.retryAfterMs };
    }
    return { allowed: true };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
  }

  /** One pass over both local bucket maps, a slice per event-loop turn; a pass still running is not restarted. */
  private startSweep(): void {
    if (this.sweeping) return;
    this.sweeping = true;
    let installsDone = false;
    let credentialsDone = false;
    const slice = (): void => {
      if (this.closed) {
        this.sweeping = false;
        return;
      }
      const now = Date.now();
      installsDone ||= this.localInstall.sweep(now, SWEEP_SLICE_ENTRIES);
      credentialsDone ||= this.localCredential.sweep(now, SWEEP_SLICE_ENTRIES);
      if (installsDone && credentialsDone) this.sweeping = false;
      else setTimeout(slice, 0).unref();
    };
    slice();
  }
}
