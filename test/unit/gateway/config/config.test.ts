import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig, parseGatewayConfig } from '../../../../src/gateway/config.js';
import { configReferenceRows, renderConfigReference } from '../../../../src/gateway/config-reference.js';
import { RETIRED_SETTINGS } from '../../../../src/gateway/retired-settings.js';
import { boundedLabelSpaceSeries } from '../../../../src/gateway/cardinality/index.js';

const KEYS = 'k1:0123456789abcdef0123';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadGatewayConfig', () => {
  it('fills every default from the schema', () => {
    const config = loadGatewayConfig({ FILESFU_GATEWAY_AUTH_KEYS: KEYS });
    expect(config.server.port).toBe(4318);
    expect(config.server.maxCompressedBodyBytes).toBe(config.server.maxDecompressedBodyBytes / 4);
    expect(config.rateLimit.perInstall).toEqual({ ratePerSecond: 2, burst: 30 });
    expect(config.auth.keys).toEqual([{ keyId: 'k1', secret: '0123456789abcdef0123' }]);
    expect(config.pipeline.export.collectorUrl).toMatch(/\/v1\/metrics$/);
  });

  it('maps the explicit environment variables onto their keys', () => {
    const config = loadGatewayConfig({
      FILESFU_GATEWAY_AUTH_KEYS: `${KEYS},k2:fedcba9876543210`,
      FILESFU_GATEWAY_HOST: '127.0.0.1',
      FILESFU_GATEWAY_PORT: '0',
      FILESFU_GATEWAY_REPLICA_ID: 'gw-7',
      FILESFU_GATEWAY_COLLECTOR_URL: 'http://127.0.0.1:9/v1/metrics',
      FILESFU_GATEWAY_REDIS_URL: 'redis://127.0.0.1:6390',
    });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 0, replicaId: 'gw-7' });
    expect(config.auth.keys.map((k) => k.keyId)).toEqual(['k1', 'k2']);
    expect(config.pipeline.export.collectorUrl).toBe('http://127.0.0.1:9/v1/metrics');
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
  });

  it('layers file ← JSON ← explicit variables, key by key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      'server:\n  port: 1111\n  logLevel: debug\nrateLimit:\n  perInstall:\n    burst: 5\n',
    );
    const config = loadGatewayConfig({
      FILESFU_GATEWAY_AUTH_KEYS: KEYS,
      FILESFU_GATEWAY_CONFIG: file,
      FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({
        server: { port: 2222 },
        rateLimit: { perInstall: { ratePerSecond: 9 } },
      }),
      FILESFU_GATEWAY_PORT: '3333',
    });
    expect(config.server.port).toBe(3333);
    expect(config.server.logLevel).toBe('debug');
    expect(config.rateLimit.perInstall).toEqual({ ratePerSecond: 9, burst: 5 });
  });

  it('lists every invalid key at once', () => {
    const problems = problemsOf({
      FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({
        server: { port: 70000, maxDecompressedBodyBytes: -1, typo: true },
        rateLimit: { perInstall: { burst: 'many' } },
      }),
      FILESFU_GATEWAY_PORT: 'http',
    });
    const joined = problems.join('\n');
    expect(joined).toMatch(/^server\.port: /m);
    expect(joined).toMatch(/^server\.maxDecompressedBodyBytes: /m);
    expect(joined).toMatch(/^server\.typo: unknown key; check its spelling/m);
    expect(joined).toMatch(/^rateLimit\.perInstall\.burst: /m);
    expect(joined).toMatch(/^auth\.keys: .*at least one signing key/m);
  });

  it('defaults the session windows and the file name length detail', () => {
    const { sessions, details, limits } = loadGatewayConfig({ FILESFU_GATEWAY_AUTH_KEYS: KEYS }).pipeline;
    expect(sessions).toMatchObject({
      thresholds: [0.3, 0.8],
      episodeMinSamples: 5,
      windowSeconds: 600,
      windowGraceSeconds: 120,
    });
    expect(sessions).not.toHaveProperty('overThresholdMinSamples');
    expect(details).toEqual([
      { attribute: 'filesfu.file.name.length', label: 'file_name_length', bounds: [20, 42, 80] },
    ]);
    // The default budget covers the whole default label space (details and window families included).
    const space = boundedLabelSpaceSeries({
      maxVersions: limits.maxVersions,
      stages: limits.stages.length,
      osTypes: limits.osTypes.length,
      thresholds: sessions.thresholds.length,
      detailBounds: details.map((d) => d.bounds.length),
    });
    expect(limits.maxSeries).toBeGreaterThanOrEqual(space);
  });

  it.each([
    [[{ attribute: 'a', label: 'a', bounds: [3, 2] }], /strictly ascending/],
    [[{ attribute: 'a', label: 'a', bounds: [1.5] }], /integer/],
    [[{ attribute: 'a', label: 'a', bounds: [1, 2, 3, 4, 5, 6, 7, 8, 9] }], /at most 8 bounds/],
    [[{ attribute: 'a', label: 'file-name', bounds: [1] }], /Prometheus label name/],
    [[{ attribute: 'a', label: '__x', bounds: [1] }], /reserved/],
    [[1, 2, 3, 4, 5].map((i) => ({ attribute: `a${i}`, label: `l${i}`, bounds: [1] })), /at most 4 details/],
    [
      [
        { attribute: 'a', label: 'l', bounds: [1] },
        { attribute: 'b', label: 'l', bounds: [1] },
      ],
      /its own label/,
    ],
  ])('rejects pipeline.details %j naming the fix', (details, message) => {
    const problems = problemsOf({ FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({ pipeline: { details } }) });
    const joined = problems.join('\n');
    expect(joined).toMatch(/^pipeline\.details/m);
    expect(joined).toMatch(message);
  });

  it('reports unreadable sources and bad keys without echoing secrets', () => {
    const problems = problemsOf({
      FILESFU_GATEWAY_CONFIG: '/nonexistent/gateway.yaml',
      FILESFU_GATEWAY_CONFIG_JSON: '{not json',
      FILESFU_GATEWAY_AUTH_KEYS: 'k1:tooshort-secret',
    });
    const joined = problems.join('\n');
    expect(joined).toContain('FILESFU_GATEWAY_CONFIG (/nonexistent/gateway.yaml)');
    expect(joined).toContain('FILESFU_GATEWAY_CONFIG_JSON');
    expect(joined).toContain('auth.keys (FILESFU_GATEWAY_AUTH_KEYS)');
    expect(joined).not.toContain('tooshort-secret');
  });
});

describe('settings that moved', () => {
  it.each([
    [{ pipeline: { state: { redisUrl: 'redis://h:1' } } }, 'redis.url'],
    [{ rateLimit: { redisKeyPrefix: 'x:' } }, 'redis.keyPrefix'],
    [{ pipeline: { export: { retryAfterSeconds: 3 } } }, 'server.retryAfterSeconds'],
    [{ server: { overloadRetryAfterSeconds: 3 } }, 'server.retryAfterSeconds'],
    [{ pipeline: { limits: { admissionCacheMs: 10 } } }, 'no longer a setting'],
    [{ server: { maxCompressedBodyBytes: 1 } }, 'set server.maxDecompressedBodyBytes'],
    [{ pipeline: { export: { timeoutMs: 1 } } }, 'set pipeline.export.flushIntervalMs'],
    [{ pipeline: { export: { shutdownFlushTimeoutMs: 1 } } }, 'set server.shutdownGraceMs'],
    [{ pipeline: { state: { dedupWindowMs: 1 } } }, 'set pipeline.validation.maxPointAgeMs'],
    [{ pipeline: { state: { housekeepingIntervalMs: 1 } } }, 'set pipeline.export.flushIntervalMs'],
    [{ pipeline: { state: {} } }, 'pipeline.state: no longer a section'],
    [{ pipeline: { validation: { maxSessionIdLength: 1 } } }, 'fixed at 64'],
    [{ pipeline: { validation: { maxErrorMessageChars: 1 } } }, 'fixed at 4096'],
    [
      { rejectionReports: { intervalSeconds: 1 } },
      'rejectionReports.intervalSeconds: no longer a setting: fixed at 60',
    ],
  ])('refuses %j and names where it went', (input, hint) => {
    expect(() =>
      parseGatewayConfig({ auth: { keys: [{ keyId: 'k1', secret: '0123456789abcdef' }] }, ...input }),
    ).toThrow(hint);
  });
});

describe('derived values', () => {
  const AUTH = { keys: [{ keyId: 'k1', secret: '0123456789abcdef' }] };

  it('follow their documented rules for any settings', () => {
    const ms = fc.integer({ min: 1, max: 7 * 24 * 3_600_000 });
    fc.assert(
      fc.property(
        fc.record({
          maxDecompressedBodyBytes: fc.integer({ min: 4, max: 2 ** 31 }),
          shutdownGraceMs: ms,
          flushIntervalMs: ms,
          maxPointAgeMs: ms,
          maxFutureSkewMs: ms,
          windowSeconds: fc.integer({ min: 1, max: 86_400 }),
          windowGraceSeconds: fc.integer({ min: 0, max: 86_400 }),
        }),
        (s) => {
          const config = parseGatewayConfig({
            auth: AUTH,
            server: {
              maxDecompressedBodyBytes: s.maxDecompressedBodyBytes,
              shutdownGraceMs: s.shutdownGraceMs,
            },
            pipeline: {
              export: { flushIntervalMs: s.flushIntervalMs },
              validation: { maxPointAgeMs: s.maxPointAgeMs, maxFutureSkewMs: s.maxFutureSkewMs },
              sessions: { windowSeconds: s.windowSeconds, windowGraceSeconds: s.windowGraceSeconds },
            },
          });
          expect(config.server.maxCompressedBodyBytes).toBe(Math.floor(s.maxDecompressedBodyBytes / 4));
          expect(config.pipeline.export.timeoutMs).toBe(Math.max(Math.floor(s.flushIntervalMs / 2), 1000));
          expect(config.pipeline.export.shutdownFlushTimeoutMs).toBe(s.shutdownGraceMs);
          expect(config.pipeline.state.housekeepingIntervalMs).toBe(Math.min(s.flushIntervalMs, 10_000));
          // A record outlives every replay validation still accepts, and its open window's close.
          const { dedupWindowMs } = config.pipeline.state;
          expect(dedupWindowMs).toBeGreaterThan(s.maxPointAgeMs + s.maxFutureSkewMs);
          expect(dedupWindowMs).toBeGreaterThan((s.windowSeconds + s.windowGraceSeconds) * 1000);
          expect(dedupWindowMs).toBe(
            s.maxPointAgeMs +
              s.maxFutureSkewMs +
              (s.windowSeconds + s.windowGraceSeconds) * 1000 +
              86_400_000,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keep the defaults they replaced', () => {
    const config = parseGatewayConfig({ auth: AUTH });
    expect(config.server.maxCompressedBodyBytes).toBe(4 * 1024 * 1024);
    expect(config.pipeline.export).toMatchObject({ timeoutMs: 5000, shutdownFlushTimeoutMs: 10_000 });
    expect(config.pipeline.state.housekeepingIntervalMs).toBe(10_000);
    expect(config.pipeline.state.dedupWindowMs).toBeGreaterThanOrEqual(72 * 3_600_000);
  });
});

describe('config reference', () => {
  it('documents every key with a description', () => {
    const rows = configReferenceRows();
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) expect(row.description, row.key).not.toBe('');
  });

  it('lists every derived and fixed value, and none of them is a setting', () => {
    const keys = new Set(configReferenceRows().map((row) => row.key));
    const page = renderConfigReference();
    for (const setting of RETIRED_SETTINGS) {
      expect(keys.has(setting.key), setting.key).toBe(false);
      if (setting.kind !== 'moved') expect(page).toContain(`\`${setting.key}\``);
    }
  });
});
