// The simulated clock's HTTP sender against a local server: backpressure is retried as a watchdog
// retries it, a refusal is not, and the gateway's partial-success count is read from the response.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeExportMetricsServiceResponse } from '../../../src/otlp/index.js';
import { createHttpSender } from '../../../src/simulator/request-sender.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server answering each request with the next of `answers` (the last one repeats). */
async function serve(answers: Array<{ status: number; body?: Uint8Array; retryAfter?: string }>) {
  const seen: Array<{ path: string; auth: string | undefined; type: string | undefined; bytes: number }> = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        path: req.url ?? '',
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        bytes: Buffer.concat(chunks).length,
      });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      res.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {});
      res.end(answer.body ?? Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('createHttpSender', () => {
  it('posts protobuf with the install token to /v1/metrics, retries 429 and 503, and reads rejected points', async () => {
    const body = encodeExportMetricsServiceResponse({
      partialSuccess: { rejectedDataPoints: 3, errorMessage: 'x' },
    });
    const { url, seen } = await serve([
      { status: 429, retryAfter: '0' },
      { status: 503 },
      { status: 200, body },
    ]);
    const sender = createHttpSender(url, { maxSockets: 2, maxBackoffMs: 10 });
    const outcome = await sender.send(new Uint8Array([1, 2, 3]), 'tok');
    sender.close();
    // Neither 429 nor 503 can have been counted: the acknowledgement is no possible duplicate.
    expect(outcome).toEqual({
      delivered: true,
      retries: 2,
      rejectedDataPoints: 3,
      afterUnknownOutcome: false,
    });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({
      path: '/v1/metrics',
      auth: 'Bearer tok',
      type: 'application/x-protobuf',
      bytes: 3,
    });
  });

  it('gives up at once on a refusal, and after maxAttempts on endless backpressure', async () => {
    const refused = await serve([{ status: 400, body: new TextEncoder().encode('bad point') }]);
    const sender = createHttpSender(refused.url, { maxSockets: 1, maxBackoffMs: 5 });
    const outcome = await sender.send(new Uint8Array([1]), 'tok');
    expect(outcome.delivered).toBe(false);
    expect(outcome.retries).toBe(0);
    expect(outcome.loss).toBe('refused');
    expect(outcome.error).toMatch(/HTTP 400: bad point/);
    sender.close();
    await new Promise((resolve) => server?.close(resolve));
    const busy = await serve([{ status: 503 }]);
    const patient = createHttpSender(busy.url, { maxSockets: 1, maxAttempts: 4, maxBackoffMs: 5 });
    expect(await patient.send(new Uint8Array([1]), 'tok')).toMatchObject({
      delivered: false,
      retries: 3,
      loss: 'gave-up',
    });
    expect(busy.seen).toHaveLength(4);
    patient.close();
  });

  it('marks an acknowledgement after an unanswered or 5xx attempt as a possible duplicate, and a 500 alone as failed', async () => {
    const flaky = await serve([{ status: 502 }, { status: 200 }]);
    const sender = createHttpSender(flaky.url, { maxSockets: 1, maxBackoffMs: 5 });
    // A 502 is not retried by the watchdog's policy either: the request failed, outcome unknown.
    expect(await sender.send(new Uint8Array([1]), 'tok')).toMatchObject({ delivered: false, loss: 'failed' });
    sender.close();
    await new Promise((resolve) => server?.close(resolve));
    let calls = 0;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => (calls++ === 0 ? res.socket?.destroy() : res.end()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const retried = createHttpSender(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      maxSockets: 1,
      maxBackoffMs: 5,
    });
    expect(await retried.send(new Uint8Array([1]), 'tok')).toEqual({
      delivered: true,
      retries: 1,
      rejectedDataPoints: 0,
      afterUnknownOutcome: true,
    });
    retried.close();
  });
});
