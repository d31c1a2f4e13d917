export { InMemoryTokenBuckets } from './token-bucket.js';
export type { BucketLimits, TakeResult } from './token-bucket.js';
export { RedisTokenBuckets } from './redis-token-bucket.js';
export { RateLimiter } from './rate-limiter.js';
export type { RateDecision, RateLimiterOptions, ThrottleReason } from './rate-limiter.js';
