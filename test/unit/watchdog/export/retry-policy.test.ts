import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  classifyResult,
  parseRetryAfter,
  type PostResult,
  type RetrySettings,
} from '../../../../src/watchdog/export/index.js';

const settings: RetrySettings = { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };
const response = (status: number, retryAfter: string | null = null): PostResult => ({
  kind: 'response',
  status,
  retryAfter,
  contentType: 'application/x-protobuf',
  body: new Uint8Array(),
});
const maxJitter = () => 1;

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles per failure up to the cap, with jitter in [50%, 100%]', () => {
    expect(backoffDelayMs(1, settings, maxJitter)).toBe(1000);
    expect(backoffDelayMs(3, settings, maxJitter)).toBe(4000);
    expect(backoffDelayMs(30, settings, maxJitter)).toBe(60_000);
    expect(backoffDelayMs(3, settings, () => 0)).toBe(2000);
  });
});

describe('classifyResult', () => {
  it('treats every 2xx as delivered', () => {
    for (const status of [200, 202, 204])
      expect(classifyResult(response(status), 1, settings)).toEqual({ action: 'delivered' });
  });
  it('honours Retry-After on 429 and 503, capped', () => {
    expect(classifyResult(response(429, '12'), 1, settings)).toMatchObject({
      action: 'retry',
      delayMs: 12_000,
    });
    expect(classifyResult(response(503, '5'), 4, settings)).toMatchObject({ action: 'retry', delayMs: 5000 });
    expect(classifyResult(response(429, '999999'), 1, settings)).toMatchObject({ delayMs: 300_000 });
  });
  it('backs off exponentially on 429/503 without Retry-After, other 5xx, 408 and network errors', () => {
    expect(classifyResult(response(503), 2, settings, maxJitter)).toMatchObject({
      action: 'retry',
      delayMs: 2000,
    });
    expect(classifyResult(response(500), 3, settings, maxJitter)).toMatchObject({
      action: 'retry',
      delayMs: 4000,
    });
    expect(classifyResult(response(408), 1, settings, maxJitter)).toMatchObject({ action: 'retry' });
    // A redirect or an informational answer is not the gateway's verdict on the batch.
    for (const status of [101, 301, 302, 307, 308]) {
      expect(classifyResult(response(status), 1, settings, maxJitter), String(status)).toMatchObject({
        action: 'retry',
        reason: `http-${status}`,
      });
    }
    expect(
      classifyResult({ kind: 'network-error', error: new Error('ECONNREFUSED') }, 1, settings),
    ).toMatchObject({
      action: 'retry',
      reason: 'network-error',
    });
  });
  it('dead-letters permanent client errors', () => {
    for (const status of [400, 401, 403, 413, 415]) {
      expect(classifyResult(response(status), 1, settings)).toEqual({
        action: 'dead-letter',
        reason: `http-${status}`,
      });
    }
  });
});
