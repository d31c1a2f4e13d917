// The export handler and the body budget, through the real HTTP server (startGateway on port 0)
// with a scripted pipeline: a body stays reserved until the pipeline is done with it, new requests
// that cannot fit are refused before anything is read, and every ending returns the bytes.

import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { mintInstallToken } from '../../../../src/gateway/auth/index.js';
import { parseGatewayConfig } from '../../../../src/gateway/config.js';
import { gatewayError } from '../../../../src/gateway/errors/index.js';
import { startGateway, type RunningGateway } from '../../../../src/gateway/index.js';
import type { Backpressure, IngestOutcome, Pipeline } from '../../../../src/gateway/pipeline/index.js';

const SECRET = 'unit-secret-0123456789';
const KIB = 1024;
const BUDGET = 64 * KIB;
const RETRY_AFTER = 7;
const OK: IngestOutcome = {
  acceptedDataPoints: 1,
  rejectedDataPoints: 0,
  duplicateDataPoints: 0,
  errorMessage: '',
  invalidRequest: false,
};

class ScriptedPipeline implements Pipeline {
  ingestImpl: () => Promise<IngestOutcome> = async () => OK;
  ingested = 0;
  ingest(): Promise<IngestOutcome> {
    this.ingested += 1;
    return this.ingestImpl();
  }
  backpressure(): Backpressure {
    return { accepting: true, retryAfterSeconds: 0, reason: '' };
  }
  ready(): boolean {
    return true;
  }
  async shutdown(): Promise<void> {}
}

const running: RunningGateway[] = [];
afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.close();
});

async function start(pipeline: Pipeline, server: Record<string, unknown> = {}): Promise<RunningGateway> {
  const config = parseGatewayConfig({
    server: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      maxBufferedBodyBytes: BUDGET,
      retryAfterSeconds: RETRY_AFTER,
      ...server,
    },
    auth: { keys: [{ keyId: 'k', secret: SECRET }] },
    rateLimit: { enabled: false },
  });
  const gateway = await startGateway(config, { pipeline, defaultMetrics: false, log: () => {} });
  running.push(gateway);
  return gateway;
}

/** A valid, empty OTLP/JSON request of about `bytes` (the padding is an unknown field, ignored). */
function paddedJson(bytes: number): Buffer {
  const head = '{"resourceMetrics":[],"padding":"';
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`, 'utf8');
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Chunked (no Content-Length) unless `declare` is set. */
function post(
  url: string,
  body: Buffer,
  options: { declare?: boolean; gzip?: boolean } = {},
): Promise<Answer> {
  const target = new URL('/v1/metrics', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${mintInstallToken({ installId: 'i-1', keyId: 'k', secret: SECRET })}`,
          'content-type': 'application/json',
          ...(options.declare ? { 'content-length': body.length } : {}),
          ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    // A lone end(body) would make node declare the length.
    req.write(body);
    req.end();
  });
}

async function metric(gateway: RunningGateway, name: string, labels: Record<string, string> = {}) {
  const values = (await gateway.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))
    .reduce((sum, value) => sum + value.value, 0);
}

const reserved = (gateway: RunningGateway) => metric(gateway, 'filesfu_gateway_body_budget_reserved_bytes');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function expectBudgetRefusal(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.headers['retry-after']).toBe(String(RETRY_AFTER));
  expect(answer.headers['x-filesfu-error-code']).toBe('FILESFU_GW_BODY_BUDGET_EXHAUSTED');
  expect(answer.body).toContain('server.maxBufferedBodyBytes');
}

describe('POST /v1/metrics under the body budget', () => {
  it('holds a body until the pipeline is done with it; a new request that cannot fit gets 503 before reading', async () => {
    const pipeline = new ScriptedPipeline();
    const gate = deferred();
    pipeline.ingestImpl = async () => {
      await gate.promise;
      return OK;
    };
    const gateway = await start(pipeline);
    const held = paddedJson(40 * KIB);
    const first = post(gateway.url, held, { declare: true });
    await until(() => pipeline.ingested === 1);
    expect(await reserved(gateway)).toBe(held.length);

    const refused = await post(gateway.url, paddedJson(30 * KIB), { declare: true });
    expectBudgetRefusal(refused);
    // The body was never read: the connection is not reused.
    expect(refused.headers['connection']).toBe('close');
    expect(await metric(gateway, 'filesfu_gateway_body_budget_refused_total', { stage: 'admission' })).toBe(
      1,
    );
    expect(pipeline.ingested).toBe(1);

    gate.resolve();
    expect((await first).status).toBe(200);
    expect(await reserved(gateway)).toBe(0);
    expect((await post(gateway.url, paddedJson(30 * KIB), { declare: true })).status).toBe(200);
    expect(await reserved(gateway)).toBe(0);
  });

  it('abandons a body with 503 when reading it would cross the budget, and frees what it read', async () => {
    const pipeline = new ScriptedPipeline();
    const gate = deferred();
    pipeline.ingestImpl = async () => {
      await gate.promise;
      return OK;
    };
    const gateway = await start(pipeline);
    const first = post(gateway.url, paddedJson(40 * KIB), { declare: true });
    await until(() => pipeline.ingested === 1);

    // Chunked: nothing declared, so it is admitted and refused while streaming.
    const refused = await post(gateway.url, paddedJson(30 * KIB));
    expectBudgetRefusal(refused);
    expect(refused.headers['connection']).toBe('close');
    expect(await metric(gateway, 'filesfu_gateway_body_budget_refused_total', { stage: 'reading' })).toBe(1);
    expect(await reserved(gateway)).toBe(40 * KIB);
    gate.resolve();
    await first;
    expect(await reserved(gateway)).toBe(0);
  });

  it('a gzip bomb alone gets 503 when the budget, not its cap, is what it crosses', async () => {
    const gateway = await start(new ScriptedPipeline());
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * KIB), { level: 9 });
    for (const declare of [true, false]) {
      expectBudgetRefusal(await post(gateway.url, bomb, { declare, gzip: true }));
      expect(await reserved(gateway)).toBe(0);
    }
  });

  it('returns the bytes after a decode error, a pipeline failure and a pipeline crash', async () => {
    const pipeline = new ScriptedPipeline();
    const gateway = await start(pipeline);
    const notOtlp = await post(gateway.url, Buffer.from('{"resourceMetrics": 5}'), { declare: true });
    expect(notOtlp.status).toBe(400);
    expect(await reserved(gateway)).toBe(0);

    pipeline.ingestImpl = async () => {
      throw gatewayError('FILESFU_GW_OVERLOADED', {
        reason: 'state store unavailable',
        retryAfterSeconds: 2,
      });
    };
    expect((await post(gateway.url, paddedJson(10 * KIB), { declare: true })).status).toBe(503);
    expect(await reserved(gateway)).toBe(0);

    pipeline.ingestImpl = async () => {
      throw new Error('bug');
    };
    expect((await post(gateway.url, paddedJson(10 * KIB), { declare: true })).status).toBe(500);
    expect(await reserved(gateway)).toBe(0);
  });

  it('retains nothing once a burst of bombs is answered: after a full GC their buffers are gone', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async (): Promise<number> => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      return process.memoryUsage().arrayBuffers;
    };
    const gateway = await start(new ScriptedPipeline(), {
      maxBufferedBodyBytes: 8 * 1024 * KIB,
      maxDecompressedBodyBytes: 4 * 1024 * KIB,
    });
    // 64 MiB of zeros each: some hit the 4 MiB cap (413), the others the 8 MiB budget (503).
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * KIB), { level: 9 });
    const before = await collect();
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => post(gateway.url, bomb, { declare: i % 2 === 0, gzip: true })),
    );
    for (const answer of answers) expect([413, 503]).toContain(answer.status);
    expect(await reserved(gateway)).toBe(0);
    expect((await collect()) - before).toBeLessThan(1024 * KIB);
  });
});
