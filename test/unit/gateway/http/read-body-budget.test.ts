// readRequestBody under the replica-wide body budget: what it reserves, when it gives up with 503
// rather than 413, and that the budget is whole again after every way a request can end.

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/gateway/errors/index.js';
import { BodyBudget, bodyEncodingOf, readRequestBody } from '../../../../src/gateway/http/index.js';

const KIB = 1024;
const LIMITS = { maxCompressedBytes: 256 * KIB, maxDecompressedBytes: 1024 * KIB };
const BUDGET_BYTES = 2048 * KIB;

interface Outcome {
  result: string;
  /** What the request's lease held when reading ended. */
  held: number;
  /** The budget's total right after the request released its lease. */
  reservedAfter: number;
}

let budget: BodyBudget;
let outcomes: Outcome[];
let onOutcome: (() => void) | undefined;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const encoding = bodyEncodingOf(req.headers['content-encoding']) ?? 'identity';
    const lease = budget.lease();
    const finish = (result: string, status: number): void => {
      const held = lease.heldBytes;
      lease.release();
      const outcome = { result, held, reservedAfter: budget.reservedBytes };
      outcomes.push(outcome);
      onOutcome?.();
      req.resume();
      res.statusCode = status;
      res.end(JSON.stringify(outcome));
    };
    readRequestBody(req, encoding, LIMITS, lease).then(
      ({ body }) => finish(`read ${body.length}`, 200),
      (error: unknown) =>
        error instanceof GatewayError ? finish(error.code, error.status) : finish(String(error), 500),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  budget = new BodyBudget(BUDGET_BYTES);
  outcomes = [];
  onOutcome = undefined;
});

function send(chunks: Buffer[], headers: Record<string, string | number> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as Outcome));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** Leaves `bytes` of the budget to the request under test (the rest held by others in flight). */
function leaveAvailable(bytes: number): void {
  expect(budget.lease().reserve(BUDGET_BYTES - bytes)).toBe(true);
}

const gzipPaths = [
  ['in one call (declared length)', true],
  ['as a stream (chunked)', false],
] as const;
const gzipHeaders = (body: Buffer, declared: boolean): Record<string, string | number> =>
  declared ? { 'content-encoding': 'gzip', 'content-length': body.length } : { 'content-encoding': 'gzip' };

/** 64 MiB of zeros: ~64 KiB of gzip, far over the per-request inflate cap. */
const BOMB = gzipSync(Buffer.alloc(64 * 1024 * KIB), { level: 9 });

describe('readRequestBody under the body budget', () => {
  it('reserves an identity body while it is held and returns it after', async () => {
    const outcome = await send([Buffer.alloc(100 * KIB, 1)]);
    expect(outcome).toEqual({ result: `read ${100 * KIB}`, held: 100 * KIB, reservedAfter: 0 });
  });

  it.each(gzipPaths)('reserves the wire bytes and the inflated bytes of gzip, %s', async (_p, declared) => {
    const plain = Buffer.alloc(300 * KIB, 'a');
    const compressed = gzipSync(plain);
    const outcome = await send([compressed], gzipHeaders(compressed, declared));
    expect(outcome).toEqual({
      result: `read ${plain.length}`,
      held: compressed.length + plain.length,
      reservedAfter: 0,
    });
  });

  it('abandons an identity body with 503 once it would cross the budget', async () => {
    leaveAvailable(40 * KIB);
    const chunk = Buffer.alloc(16 * KIB, 1);
    const outcome = await send(Array.from({ length: 5 }, () => chunk));
    expect(outcome.result).toBe('FILESFU_GW_BODY_BUDGET_EXHAUSTED');
    expect(outcome.held).toBeLessThanOrEqual(40 * KIB);
  });

  it.each(gzipPaths)('stops inflating with 503 at what the budget allows, %s', async (_p, declared) => {
    leaveAvailable(300 * KIB);
    const outcome = await send([BOMB], gzipHeaders(BOMB, declared));
    expect(outcome.result).toBe('FILESFU_GW_BODY_BUDGET_EXHAUSTED');
    expect(outcome.held).toBeLessThanOrEqual(300 * KIB);
    expect(outcome.reservedAfter).toBe(BUDGET_BYTES - 300 * KIB);
  });

  it.each(gzipPaths)('inflates up to exactly what the budget allows, %s', async (_p, declared) => {
    const plain = Buffer.alloc(500 * KIB, 'b');
    const compressed = gzipSync(plain);
    leaveAvailable(compressed.length + plain.length);
    const fits = await send([compressed], gzipHeaders(compressed, declared));
    expect(fits.result).toBe(`read ${plain.length}`);
    budget = new BodyBudget(BUDGET_BYTES);
    leaveAvailable(compressed.length + plain.length - 1);
    const over = await send([compressed], gzipHeaders(compressed, declared));
    expect(over.result).toBe('FILESFU_GW_BODY_BUDGET_EXHAUSTED');
  });

  it.each(gzipPaths)(
    'keeps 413 for the per-request cap when the budget is not the bound, %s',
    async (_p, declared) => {
      const outcome = await send([BOMB], gzipHeaders(BOMB, declared));
      expect(outcome.result).toBe('FILESFU_GW_DECOMPRESSED_TOO_LARGE');
      expect(outcome.held).toBeLessThanOrEqual(BOMB.length + LIMITS.maxDecompressedBytes);
      expect(outcome.reservedAfter).toBe(0);
    },
  );

  it('returns everything after a 413 on the wire', async () => {
    const chunk = Buffer.alloc(64 * KIB, 1);
    const outcome = await send(Array.from({ length: 5 }, () => chunk));
    expect(outcome).toMatchObject({ result: 'FILESFU_GW_BODY_TOO_LARGE', reservedAfter: 0 });
  });

  it.each(gzipPaths)('returns everything after a zlib error, %s', async (_p, declared) => {
    // Part of a valid stream (it has inflated something by then), then bytes that are no deflate.
    const noise = Buffer.alloc(200 * KIB);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const valid = gzipSync(noise);
    const body = Buffer.concat([valid.subarray(0, 20 * KIB), Buffer.alloc(4 * KIB, 0xff)]);
    const outcome = await send([body], gzipHeaders(body, declared));
    expect(outcome).toMatchObject({ result: 'FILESFU_GW_BAD_GZIP', reservedAfter: 0 });
  });

  it.each(['identity', 'gzip'] as const)(
    'returns everything after the client hangs up mid-body (%s)',
    async (encoding) => {
      const settled = new Promise<void>((resolve) => (onOutcome = resolve));
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': 200 * KIB, 'content-encoding': encoding },
      });
      req.on('error', () => {});
      const partial =
        encoding === 'gzip' ? gzipSync(Buffer.alloc(1024 * KIB)).subarray(0, 500) : Buffer.alloc(50 * KIB);
      req.write(partial, () => setTimeout(() => req.destroy(), 50));
      await settled;
      expect(outcomes).toEqual([
        { result: 'FILESFU_GW_BODY_INCOMPLETE', held: expect.any(Number) as number, reservedAfter: 0 },
      ]);
      expect(outcomes[0]?.held).toBeGreaterThan(0);
    },
  );
});
