// The real gateway process (started by the stack launcher, with the real collector and Prometheus
// behind it) answered over real HTTP: every response code of POST /v1/metrics, the limits, the
// health endpoints, and SIGTERM's final flush.

import { randomUUID } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExportMetricsServiceResponse } from '../../src/otlp/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { cpuRequest, gatewayMetric, json, post, protobuf, type HttpAnswer } from './gateway-http-fixtures.js';

const MIB = 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const RATE_BURST = 8;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    quiet: true,
    // Without a state directory: the collector-outage test needs export.maxUnexportedMs to apply.
    gatewayStateDir: false,
    gatewayConfig: {
      // 8 MiB inflated, 2 MiB on the wire.
      server: { maxDecompressedBodyBytes: 8 * MIB, retryAfterSeconds: 2 },
      auth: { revokedInstallIds: ['revoked-install'] },
      rateLimit: { perInstall: { ratePerSecond: 0.05, burst: RATE_BURST } },
      pipeline: { export: { maxUnexportedMs: 3000 } },
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function headers(installId: string, contentType = PROTOBUF, extra: Record<string, string | number> = {}) {
  return { authorization: `Bearer ${stack.mintToken(installId)}`, 'content-type': contentType, ...extra };
}

function errorCode(answer: HttpAnswer): string | undefined {
  const value = answer.headers['x-filesfu-error-code'];
  return typeof value === 'string' ? value : undefined;
}

async function expectAlive(): Promise<void> {
  const health = await fetch(`${stack.gatewayUrl}/healthz`);
  expect(health.status).toBe(200);
}

describe('POST /v1/metrics on the real gateway process', () => {
  it('200: a valid protobuf export is answered with an empty ExportMetricsServiceResponse and counted', async () => {
    const before = await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total');
    const installId = randomUUID();
    const answer = await post(
      stack.gatewayUrl,
      protobuf(cpuRequest({ installId, points: 3 })),
      headers(installId),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(PROTOBUF);
    expect(decodeExportMetricsServiceResponse(answer.body).partialSuccess).toBeUndefined();
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total')).toBe(
      before + 3,
    );
  });

  it('200: OTLP/JSON with gzip is answered in JSON', async () => {
    const installId = randomUUID();
    const body = gzipSync(json(cpuRequest({ installId, points: 2 })));
    const answer = await post(
      stack.gatewayUrl,
      body,
      headers(installId, 'application/json; charset=utf-8', { 'content-encoding': 'gzip' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({});
  });

  it('200 + partial_success: a point with 10k attributes is rejected, the valid points of the same request are counted', async () => {
    const before = await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total');
    const installId = randomUUID();
    const extra = Array.from({ length: 10_000 }, (_, i) => ({ key: `attr.${i}`, value: `value-${i}` }));
    const answer = await post(
      stack.gatewayUrl,
      protobuf(cpuRequest({ installId, points: 2, extraPointAttributes: extra })),
      headers(installId),
    );
    expect(answer.status).toBe(200);
    const partial = decodeExportMetricsServiceResponse(answer.body).partialSuccess;
    expect(partial?.rejectedDataPoints).toBe(1);
    expect(partial?.errorMessage).toMatch(/too_many_attributes/);
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total')).toBe(
      before + 2,
    );
  });

  it('200 + partial_success: a 1 MB attribute value is rejected, the rest of the request counted (JSON)', async () => {
    const before = await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total');
    const installId = randomUUID();
    const extra = [{ key: 'huge', value: 'x'.repeat(MIB) }];
    const answer = await post(
      stack.gatewayUrl,
      json(cpuRequest({ installId, points: 1, extraPointAttributes: extra })),
      headers(installId, JSON_TYPE),
    );
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body.toString('utf8')) as {
      partialSuccess?: { rejectedDataPoints?: string | number; errorMessage?: string };
    };
    expect(Number(body.partialSuccess?.rejectedDataPoints)).toBe(1);
    expect(body.partialSuccess?.errorMessage).toMatch(/attribute_value_too_long/);
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total')).toBe(
      before + 1,
    );
  });

  it('a token only speaks for its own install: resources of other installs are rejected (403 when that is all)', async () => {
    const installId = randomUUID();
    const own = cpuRequest({ installId, points: 1 });
    const foreign = cpuRequest({ installId: 'someone-else', points: 2 });
    const mixed = await post(
      stack.gatewayUrl,
      protobuf({ resourceMetrics: [...own.resourceMetrics, ...foreign.resourceMetrics] }),
      headers(installId),
    );
    expect(mixed.status).toBe(200);
    const partial = decodeExportMetricsServiceResponse(mixed.body).partialSuccess;
    expect(partial?.rejectedDataPoints).toBe(2);
    expect(partial?.errorMessage).toMatch(/install_id_mismatch/);

    const onlyForeign = await post(stack.gatewayUrl, protobuf(foreign), headers(randomUUID()));
    // A valid credential used for another install's data: an authorization problem (#21).
    expect(onlyForeign.status).toBe(403);
    expect(errorCode(onlyForeign)).toBe('FILESFU_GW_INSTALL_MISMATCH');
    expect(onlyForeign.body.toString('utf8')).toMatch(/install_id_mismatch/);
  });

  const valid = protobuf(cpuRequest({ installId: 'x', points: 2 }));
  it.each([
    ['random bytes as protobuf', PROTOBUF, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02])],
    ['truncated protobuf', PROTOBUF, valid.subarray(0, Math.floor(valid.length / 2))],
    ['malformed JSON', JSON_TYPE, Buffer.from('{"resourceMetrics": [{')],
    ['JSON with wrong types', JSON_TYPE, Buffer.from('{"resourceMetrics": "nope"}')],
    [
      'JSON with a wrong nested type',
      JSON_TYPE,
      Buffer.from('{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": 5}]}]}]}'),
    ],
  ])('400: %s', async (_name, contentType, body) => {
    const installId = randomUUID();
    const answer = await post(stack.gatewayUrl, body, headers(installId, contentType));
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('FILESFU_GW_BAD_PAYLOAD');
    expect(answer.headers['content-type']).toBe(contentType);
    if (contentType === JSON_TYPE) {
      expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({
        code: 3,
        message: expect.stringMatching(/^FILESFU_GW_BAD_PAYLOAD: /),
      });
    } else {
      expect(answer.body.toString('utf8')).toContain('FILESFU_GW_BAD_PAYLOAD: ');
    }
  });

  it('400: corrupt gzip', async () => {
    const installId = randomUUID();
    const answer = await post(
      stack.gatewayUrl,
      Buffer.from('not gzip'),
      headers(installId, PROTOBUF, { 'content-encoding': 'gzip' }),
    );
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('FILESFU_GW_BAD_GZIP');
  });

  it('401: missing, malformed, forged, unknown-key and revoked credentials', async () => {
    const before = await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_auth_failures_total');
    const body = protobuf(cpuRequest({ installId: 'i', points: 1 }));
    const token = stack.mintToken('some-install');
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.alloc(32).toString('base64url')}`;
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'FILESFU_GW_AUTH_MISSING'],
      [{ authorization: 'Basic Zm9vOmJhcg==' }, 'FILESFU_GW_AUTH_INVALID'],
      [{ authorization: `Bearer ${forged}` }, 'FILESFU_GW_AUTH_INVALID'],
      [
        {
          authorization: `Bearer ${token.replace(/^fft1\.[^.]+/, `fft1.${Buffer.from('{"iid":"a","kid":"nokey","iat":1}').toString('base64url')}`)}`,
        },
        'FILESFU_GW_AUTH_INVALID',
      ],
      [{ authorization: `Bearer ${stack.mintToken('revoked-install')}` }, 'FILESFU_GW_AUTH_REVOKED'],
    ];
    for (const [auth, code] of cases) {
      const answer = await post(stack.gatewayUrl, body, { 'content-type': PROTOBUF, ...auth });
      expect(answer.status, code).toBe(401);
      expect(answer.headers['www-authenticate'], code).toBe('Bearer realm="filesfu"');
      expect(errorCode(answer)).toBe(code);
      expect(answer.body.toString('utf8')).not.toContain(token);
    }
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_auth_failures_total')).toBe(
      before + cases.length,
    );
  });

  it('413: a body over the wire limit is refused and the gateway stays up', async () => {
    const installId = randomUUID();
    const answer = await post(stack.gatewayUrl, Buffer.alloc(3 * MIB), headers(installId));
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('FILESFU_GW_BODY_TOO_LARGE');
    await expectAlive();
  });

  it('413: a gzip bomb (1 GiB of zeros in ~1 MB) is refused while inflating, with bounded memory', async () => {
    const bomb = await gzipZeros(1024 * MIB);
    expect(bomb.length).toBeLessThan(2 * MIB);
    const rssBefore = await gatewayMetric(stack.gatewayUrl, 'process_resident_memory_bytes');
    const installId = randomUUID();
    const answer = await post(
      stack.gatewayUrl,
      bomb,
      headers(installId, PROTOBUF, { 'content-encoding': 'gzip' }),
    );
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('FILESFU_GW_DECOMPRESSED_TOO_LARGE');
    await expectAlive();
    const rssAfter = await gatewayMetric(stack.gatewayUrl, 'process_resident_memory_bytes');
    // The cap is 8 MiB; a full inflate would be 1 GiB. Allow generous slack for GC timing.
    expect(rssAfter - rssBefore).toBeLessThan(128 * MIB);
  });

  it('415: unsupported Content-Type or Content-Encoding', async () => {
    const installId = randomUUID();
    const body = protobuf(cpuRequest({ installId, points: 1 }));
    const wrongType = await post(stack.gatewayUrl, body, headers(installId, 'text/plain'));
    expect(wrongType.status).toBe(415);
    expect(errorCode(wrongType)).toBe('FILESFU_GW_UNSUPPORTED_MEDIA_TYPE');
    const wrongEncoding = await post(
      stack.gatewayUrl,
      body,
      headers(installId, PROTOBUF, { 'content-encoding': 'br' }),
    );
    expect(wrongEncoding.status).toBe(415);
    expect(errorCode(wrongEncoding)).toBe('FILESFU_GW_UNSUPPORTED_ENCODING');
  });

  it('429 + Retry-After: one install beyond its burst is throttled, others are not', async () => {
    const installId = randomUUID();
    const empty = protobuf({ resourceMetrics: [] });
    const statuses: number[] = [];
    let throttled: HttpAnswer | undefined;
    for (let i = 0; i < RATE_BURST + 2; i++) {
      const answer = await post(stack.gatewayUrl, empty, headers(installId));
      statuses.push(answer.status);
      if (answer.status === 429) throttled ??= answer;
    }
    expect(statuses.slice(0, RATE_BURST).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(RATE_BURST)).toEqual([429, 429]);
    expect(errorCode(throttled as HttpAnswer)).toBe('FILESFU_GW_RATE_LIMITED_INSTALL');
    expect(Number((throttled as HttpAnswer).headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(Number((throttled as HttpAnswer).headers['retry-after']))).toBe(true);
    const other = randomUUID();
    expect((await post(stack.gatewayUrl, empty, headers(other))).status).toBe(200);
    expect(
      await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_throttled_total', {
        reason: 'rate_limit_install',
      }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('healthz, readyz and the self-metrics', async () => {
    expect((await fetch(`${stack.gatewayUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.gatewayUrl}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    for (const name of [
      'filesfu_gateway_http_requests_total',
      'filesfu_gateway_http_request_duration_seconds_bucket',
      'filesfu_gateway_http_request_bytes_total',
      'filesfu_gateway_throttled_total',
      'filesfu_gateway_auth_failures_total',
      'filesfu_gateway_datapoints_accepted_total',
      'process_resident_memory_bytes',
    ]) {
      expect(text, name).toContain(`${name}`);
    }
    expect(text).toMatch(/filesfu_gateway_http_requests_total\{code="413"\} [1-9]/);
    const notFound = await fetch(`${stack.gatewayUrl}/nope`);
    expect(notFound.status).toBe(404);
    const wrongMethod = await fetch(`${stack.gatewayUrl}/v1/metrics`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('503 + Retry-After while the collector is unreachable for too long, 200 again once it is back', async () => {
    await stack.stopCollector();
    try {
      const refused = await stack.waitFor(
        async () => {
          const installId = randomUUID();
          const answer = await post(
            stack.gatewayUrl,
            protobuf(cpuRequest({ installId, points: 1 })),
            headers(installId),
          );
          return answer.status === 503 ? answer : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 1000, what: 'the gateway to refuse with 503' },
      );
      expect(errorCode(refused)).toBe('FILESFU_GW_OVERLOADED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(
        await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_throttled_total', { reason: 'backpressure' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.startCollector();
    }
    await stack.waitFor(
      async () => {
        const installId = randomUUID();
        const answer = await post(stack.gatewayUrl, protobuf({ resourceMetrics: [] }), headers(installId));
        return answer.status === 200 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: 'the gateway to accept again' },
    );
  });

  it('SIGTERM: what was acknowledged right before is flushed and reaches Prometheus', async () => {
    const installId = randomUUID();
    const points = 3;
    const answer = await post(
      stack.gatewayUrl,
      protobuf(cpuRequest({ installId, points, stage: 'shutdown' })),
      headers(installId),
    );
    expect(answer.status).toBe(200);
    await stack.stopGateway(0, 'SIGTERM');
    const samples = await stack.waitFor(
      async () => {
        const result = await stack.queryPrometheus(
          'sum(last_over_time({__name__=~"process_cpu_utilization.*_count", stage="shutdown"}[10m]))',
        );
        return result.length > 0 && Number(result[0]?.value[1]) > 0 ? result : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the final flush to reach Prometheus' },
    );
    expect(Number(samples[0]?.value[1])).toBe(points * 10);
    await stack.startGateway(0);
    await expectAlive();
  });
});

async function gzipZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9, chunkSize: 64 * 1024 });
  const output: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => output.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MIB);
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(output);
}
