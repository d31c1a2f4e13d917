import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/gateway/errors/index.js';
import { bodyEncodingOf, readRequestBody } from '../../../../src/gateway/http/index.js';

const LIMITS = { maxCompressedBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 };

interface Answer {
  status: number;
  body: string;
}

/** Echoes the body's length and sha-free summary, or the GatewayError code. */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    const encoding = bodyEncodingOf(req.headers['content-encoding']) ?? 'identity';
    readRequestBody(req, encoding, LIMITS).then(
      ({ body, wireBytes }) => {
        res.end(
          JSON.stringify({ length: body.length, wireBytes, head: body.subarray(0, 16).toString('utf8') }),
        );
      },
      (error: unknown) => {
        req.resume();
        res.statusCode = error instanceof GatewayError ? error.status : 500;
        res.end(error instanceof GatewayError ? error.code : String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `chunks` (chunked transfer unless contentLength is given) and returns the answer. */
function send(chunks: Buffer[], headers: Record<string, string | number> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readRequestBody', () => {
  it('reads an identity body', async () => {
    const answer = await send([Buffer.from('hello world')]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ length: 11, wireBytes: 11, head: 'hello world' });
  });

  it('refuses a declared Content-Length above the limit without reading', async () => {
    const body = Buffer.alloc(LIMITS.maxCompressedBytes + 1);
    const answer = await send([body], { 'content-length': body.length });
    expect(answer).toEqual({ status: 413, body: 'FILESFU_GW_BODY_TOO_LARGE' });
  });

  it('refuses a chunked identity body once it streams past the limit', async () => {
    const chunk = Buffer.alloc(16 * 1024, 1);
    const answer = await send(Array.from({ length: 5 }, () => chunk));
    expect(answer).toEqual({ status: 413, body: 'FILESFU_GW_BODY_TOO_LARGE' });
  });

  // With a small declared Content-Length the body is inflated in one call; chunked, as a stream.
  const gzipPaths = [
    ['in one call (declared length)', true],
    ['as a stream (chunked)', false],
  ] as const;
  const gzipHeaders = (body: Buffer, declared: boolean): Record<string, string | number> =>
    declared ? { 'content-encoding': 'gzip', 'content-length': body.length } : { 'content-encoding': 'gzip' };

  it.each(gzipPaths)('inflates gzip and reports both sizes, %s', async (_path, declared) => {
    const plain = Buffer.alloc(100_000, 'a');
    const compressed = gzipSync(plain);
    const answer = await send([compressed], gzipHeaders(compressed, declared));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ length: plain.length, wireBytes: compressed.length });
  });

  it.each(gzipPaths)('stops inflating a gzip bomb at the decompressed limit, %s', async (_path, declared) => {
    // 64 MiB of zeros compress to ~64 KiB: under the wire limit, 256× over the inflate limit.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(LIMITS.maxCompressedBytes);
    const before = process.memoryUsage().arrayBuffers;
    const answer = await send([bomb], gzipHeaders(bomb, declared));
    expect(answer).toEqual({ status: 413, body: 'FILESFU_GW_DECOMPRESSED_TOO_LARGE' });
    // Nothing near 64 MiB was ever held (generous bound for unrelated allocations).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses gzip whose compressed size is over the wire limit', async () => {
    const random = Buffer.alloc(LIMITS.maxCompressedBytes * 2);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    const compressed = gzipSync(random, { level: 0 });
    const answer = await send([compressed], { 'content-encoding': 'gzip' });
    expect(answer).toEqual({ status: 413, body: 'FILESFU_GW_BODY_TOO_LARGE' });
  });

  const corrupt = [
    ['not gzip at all', Buffer.from('plain text, not gzip')],
    ['truncated gzip', gzipSync(Buffer.alloc(10_000, 'x')).subarray(0, 20)],
    ['empty body', Buffer.alloc(0)],
  ] as const;
  it.each(
    gzipPaths.flatMap(([path, declared]) =>
      corrupt.map(([name, body]) => [name, path, declared, body] as const),
    ),
  )('answers corrupt gzip (%s) with 400, inflated %s', async (_name, _path, declared, body) => {
    const answer = await send([body], gzipHeaders(body, declared));
    expect(answer).toEqual({ status: 400, body: 'FILESFU_GW_BAD_GZIP' });
  });
});

describe('readRequestBody after the client hung up', () => {
  // The request waited (auth, rate limit) while its client disconnected: Node destroyed it without
  // an error event, so a reader that only listened for data/end/error would wait forever.
  it.each(['identity', 'gzip'] as const)('rejects at once (%s)', async (encoding) => {
    let serverSide: Server | undefined;
    const outcome = new Promise<string>((resolve) => {
      serverSide = createServer((req) => {
        req.socket.once('close', () => {
          setImmediate(() => {
            readRequestBody(req, encoding, LIMITS).then(
              () => resolve('resolved'),
              (error: unknown) => resolve(error instanceof GatewayError ? error.code : String(error)),
            );
          });
        });
      });
      serverSide.listen(0, '127.0.0.1', () => {
        const { port: slowPort } = serverSide?.address() as AddressInfo;
        const req = httpRequest({
          host: '127.0.0.1',
          port: slowPort,
          method: 'POST',
          path: '/',
          headers: { 'content-length': 100, 'content-encoding': encoding },
        });
        req.on('error', () => {});
        req.write(Buffer.alloc(10));
        setTimeout(() => req.destroy(), 50);
      });
    });
    expect(await outcome).toBe('FILESFU_GW_BODY_INCOMPLETE');
    await new Promise<void>((resolve) => serverSide?.close(() => resolve()));
  });
});
