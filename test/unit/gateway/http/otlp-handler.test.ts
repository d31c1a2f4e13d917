// The export handler's decisions that depend on the pipeline's answers, driven through the real
// HTTP server (startGateway on port 0) with a scripted pipeline double.

import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mintInstallToken } from '../../../../src/gateway/auth/index.js';
import { parseGatewayConfig } from '../../../../src/gateway/config.js';
import { gatewayError } from '../../../../src/gateway/errors/index.js';
import { startGateway, type RunningGateway } from '../../../../src/gateway/index.js';
import type { Backpressure, IngestOutcome, Pipeline } from '../../../../src/gateway/pipeline/index.js';
import {
  MAX_JSON_NESTING_DEPTH,
  decodeExportMetricsServiceResponse,
  encodeExportMetricsServiceRequest,
} from '../../../../src/otlp/index.js';

const SECRET = 'unit-secret-0123456789';
const OK: IngestOutcome = {
  acceptedDataPoints: 1,
  rejectedDataPoints: 0,
  duplicateDataPoints: 0,
  errorMessage: '',
  invalidRequest: false,
};
const EMPTY_BODY = Buffer.from(encodeExportMetricsServiceRequest({ resourceMetrics: [] }));

class ScriptedPipeline implements Pipeline {
  ingestImpl: () => Promise<IngestOutcome> = async () => OK;
  pressure: Backpressure = { accepting: true, retryAfterSeconds: 0, reason: '' };
  events: string[] = [];
  ingest(): Promise<IngestOutcome> {
    this.events.push('ingest');
    return this.ingestImpl();
  }
  backpressure(): Backpressure {
    return this.pressure;
  }
  ready(): boolean {
    return true;
  }
  async shutdown(): Promise<void> {
    this.events.push('shutdown');
  }
}

const running: RunningGateway[] = [];
afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.close();
});

async function start(pipeline: Pipeline, server: Record<string, unknown> = {}): Promise<RunningGateway> {
  const config = parseGatewayConfig({
    server: { host: '127.0.0.1', port: 0, logLevel: 'error', shutdownGraceMs: 5000, ...server },
    auth: { keys: [{ keyId: 'k', secret: SECRET }] },
  });
  const gateway = await startGateway(config, { pipeline, defaultMetrics: false, log: () => {} });
  running.push(gateway);
  return gateway;
}

interface Answer {
  status: number;
  statusMessage: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function post(url: string, body: Buffer = EMPTY_BODY, agent?: Agent): Promise<Answer> {
  const target = new URL('/v1/metrics', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${mintInstallToken({ installId: 'i-1', keyId: 'k', secret: SECRET })}`,
          'content-type': 'application/x-protobuf',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('POST /v1/metrics and the pipeline', () => {
  it('encodes partial_success when the pipeline rejected points', async () => {
    const pipeline = new ScriptedPipeline();
    pipeline.ingestImpl = async () => ({
      ...OK,
      rejectedDataPoints: 2,
      errorMessage: '2 data points rejected: 2 nan_value',
    });
    const gateway = await start(pipeline);
    const answer = await post(gateway.url);
    expect(answer.status).toBe(200);
    expect(decodeExportMetricsServiceResponse(answer.body).partialSuccess).toEqual({
      rejectedDataPoints: 2,
      errorMessage: '2 data points rejected: 2 nan_value',
    });
  });

  it('answers an invalid request with 400 and the pipeline’s reason', async () => {
    const pipeline = new ScriptedPipeline();
    pipeline.ingestImpl = async () => ({
      ...OK,
      acceptedDataPoints: 0,
      invalidRequest: true,
      errorMessage: 'no resource',
    });
    const gateway = await start(pipeline);
    const answer = await post(gateway.url);
    expect(answer.status).toBe(400);
    expect(answer.headers['x-filesfu-error-code']).toBe('FILESFU_GW_INVALID_REQUEST');
    expect(answer.body.toString('utf8')).toContain('no resource');
  });

  it('answers OTLP/JSON nested deeper than MAX_JSON_NESTING_DEPTH with 400 naming the limit, before the pipeline', async () => {
    const pipeline = new ScriptedPipeline();
    const gateway = await start(pipeline);
    const depth = MAX_JSON_NESTING_DEPTH + 1;
    const answer = await fetch(new URL('/v1/metrics', gateway.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mintInstallToken({ installId: 'i-1', keyId: 'k', secret: SECRET })}`,
        'content-type': 'application/json',
      },
      body: `{"resourceMetrics":[],"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-filesfu-error-code')).toBe('FILESFU_GW_BAD_PAYLOAD');
    expect(await answer.text()).toContain('MAX_JSON_NESTING_DEPTH');
    expect(pipeline.events).toEqual([]);
  });

  it('answers 403 when the pipeline found another install’s resource; the reason phrase carries the message', async () => {
    const pipeline = new ScriptedPipeline();
    pipeline.ingestImpl = async () => ({
      ...OK,
      acceptedDataPoints: 0,
      invalidRequest: true,
      forbidden: true,
      errorMessage: 'set service.instance.id=i-1',
    });
    const gateway = await start(pipeline);
    const answer = await post(gateway.url);
    expect(answer.status).toBe(403);
    expect(answer.headers['x-filesfu-error-code']).toBe('FILESFU_GW_INSTALL_MISMATCH');
    expect(answer.body.toString('utf8')).toContain('set service.instance.id=i-1');
    // Standard SDKs log the reason phrase, not the body.
    expect(answer.statusMessage).toBe(
      'Forbidden: FILESFU_GW_INSTALL_MISMATCH: credential not valid for this data: set service.instance.id=i-1',
    );
  });

  it('refuses with 503 + the pipeline’s Retry-After before reading the body while it is not accepting', async () => {
    const pipeline = new ScriptedPipeline();
    pipeline.pressure = { accepting: false, retryAfterSeconds: 12.2, reason: 'collector unreachable' };
    const gateway = await start(pipeline);
    const answer = await post(gateway.url, Buffer.alloc(512 * 1024));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('13');
    expect(answer.body.toString('utf8')).toContain('collector unreachable');
    expect(pipeline.events).toEqual([]);
  });

  it('passes on a retryable GatewayError from the pipeline (503) and a crash as 500, and keeps serving', async () => {
    const pipeline = new ScriptedPipeline();
    const gateway = await start(pipeline);
    pipeline.ingestImpl = async () => {
      throw gatewayError('FILESFU_GW_OVERLOADED', {
        reason: 'state store unavailable',
        retryAfterSeconds: 4,
      });
    };
    const overloaded = await post(gateway.url);
    expect(overloaded.status).toBe(503);
    expect(overloaded.headers['retry-after']).toBe('4');
    pipeline.ingestImpl = async () => {
      throw new Error('bug');
    };
    expect((await post(gateway.url)).status).toBe(500);
    pipeline.ingestImpl = async () => OK;
    expect((await post(gateway.url)).status).toBe(200);
  });

  it('caps requests in flight with 503 + Retry-After', async () => {
    const pipeline = new ScriptedPipeline();
    const gate = deferred();
    pipeline.ingestImpl = async () => {
      await gate.promise;
      return OK;
    };
    const gateway = await start(pipeline, { maxInFlightRequests: 1, retryAfterSeconds: 3 });
    const first = post(gateway.url);
    while (pipeline.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await post(gateway.url);
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('3');
    expect(second.body.toString('utf8')).toContain('too many requests in flight');
    gate.resolve();
    expect((await first).status).toBe(200);
  });

  it('on close: answers the request in flight, takes no new ones, then shuts the pipeline down', async () => {
    const pipeline = new ScriptedPipeline();
    const gate = deferred();
    const gateway = await start(pipeline);
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    // Open a second keep-alive connection before draining starts.
    await Promise.all(
      [post(gateway.url, EMPTY_BODY, agent), post(gateway.url, EMPTY_BODY, agent)].map((p) =>
        p.catch(() => undefined),
      ),
    );
    pipeline.events.length = 0;
    pipeline.ingestImpl = async () => {
      await gate.promise;
      return OK;
    };
    const inFlight = post(gateway.url, EMPTY_BODY, agent);
    while (pipeline.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = gateway.close();
    // A new request is never taken once draining began: its connection is closed (connect/reset
    // error) or, if it raced onto a live connection, it gets 503 SHUTTING_DOWN.
    const late = await post(gateway.url, EMPTY_BODY, agent).catch(() => undefined);
    expect(late === undefined ? 'refused' : late.headers['x-filesfu-error-code']).toMatch(
      /^(refused|FILESFU_GW_SHUTTING_DOWN)$/,
    );
    expect(pipeline.events).toEqual(['ingest']);
    gate.resolve();
    expect((await inFlight).status).toBe(200);
    await closed;
    expect(pipeline.events).toEqual(['ingest', 'shutdown']);
    agent.destroy();
    running.length = 0;
  });
});
