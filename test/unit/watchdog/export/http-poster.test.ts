import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPoster, otlpMetricsUrl } from '../../../../src/watchdog/export/index.js';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
}

describe('otlpMetricsUrl', () => {
  it('adds the standard path to a bare origin only', () => {
    expect(otlpMetricsUrl('http://gw:4318')).toBe('http://gw:4318/v1/metrics');
    expect(otlpMetricsUrl('http://gw:4318/')).toBe('http://gw:4318/v1/metrics');
    expect(otlpMetricsUrl('https://gw/custom/path')).toBe('https://gw/custom/path');
  });
});

describe('createHttpPoster (node:http transport)', () => {
  it('POSTs protobuf with the bearer token and returns status, headers and body', async () => {
    let seen: { headers: IncomingMessage['headers']; body: Buffer } | undefined;
    const url = await serve((req, body, res) => {
      seen = { headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from([1, 2]));
    });
    const result = await createHttpPoster({ url, token: 'tok', timeoutMs: 5000 })(new Uint8Array([7, 8, 9]));
    expect(result).toEqual({
      kind: 'response',
      status: 200,
      retryAfter: null,
      contentType: 'application/x-protobuf',
      body: new Uint8Array([1, 2]),
    });
    expect(seen?.headers.authorization).toBe('Bearer tok');
    expect(seen?.headers['content-type']).toBe('application/x-protobuf');
    expect([...(seen?.body ?? [])]).toEqual([7, 8, 9]);
  });

  it('passes Retry-After through', async () => {
    const url = await serve((_req, _body, res) => res.writeHead(503, { 'retry-after': '12' }).end());
    const result = await createHttpPoster({ url, timeoutMs: 5000 })(new Uint8Array([1]));
    expect(result).toMatchObject({ kind: 'response', status: 503, retryAfter: '12' });
  });

  it('reports refused connections and timeouts as network errors', async () => {
    const refused = await createHttpPoster({ url: 'http://127.0.0.1:1/v1/metrics', timeoutMs: 5000 })(
      new Uint8Array([1]),
    );
    expect(refused.kind).toBe('network-error');
    const url = await serve(() => {
      // never answers
    });
    const timedOut = await createHttpPoster({ url, timeoutMs: 100 })(new Uint8Array([1]));
    expect(timedOut.kind).toBe('network-error');
  });

  it('uses an injected fetch when given', async () => {
    const calls: string[] = [];
    const poster = createHttpPoster({
      url: 'http://example.invalid/v1/metrics',
      timeoutMs: 1000,
      fetch: (input) => {
        calls.push(String(input));
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    expect(await poster(new Uint8Array([1]))).toMatchObject({ kind: 'response', status: 204 });
    expect(calls).toEqual(['http://example.invalid/v1/metrics']);
  });
});
