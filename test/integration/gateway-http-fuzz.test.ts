// Thousands of random mutations of valid exports POSTed through the real HTTP server (in-process
// startGateway with the real pipeline, collector unreachable): every answer must be 2xx/4xx, or a
// 503 that is backpressure; the process must keep serving.

import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintInstallToken } from '../../src/gateway/auth/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { startGateway, type RunningGateway } from '../../src/gateway/index.js';
import { freePort } from '../../src/stack/index.js';
import { cpuRequest, json, protobuf } from './gateway-http-fixtures.js';

const MUTATIONS = Number(process.env['FILESFU_FUZZ_MUTATIONS'] ?? 3000);
const SEED = Number(process.env['FILESFU_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const SECRET = 'fuzz-secret-0123456789';
const CONCURRENCY = 8;

let gateway: RunningGateway;
const unexpectedErrors: unknown[] = [];

beforeAll(async () => {
  // Nothing listens there: exports fail, which is exactly the state the pipeline must survive too.
  const deadCollector = `http://127.0.0.1:${await freePort()}/v1/metrics`;
  const config = parseGatewayConfig({
    // A 1 MiB wire bound (a quarter of the inflated bound); the final flush gives up after 1 s.
    server: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      maxDecompressedBodyBytes: 4 * 1024 * 1024,
      shutdownGraceMs: 1000,
    },
    auth: { keys: [{ keyId: 'fz', secret: SECRET }] },
    rateLimit: { enabled: false },
    pipeline: { export: { collectorUrl: deadCollector } },
  });
  gateway = await startGateway(config, {
    defaultMetrics: false,
    log: (level, msg, fields) => {
      if (level === 'error') unexpectedErrors.push({ msg, fields });
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

/** mulberry32: small, seedable, good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, n: number): number => Math.floor(random() * n);

function mutateBytes(random: Random, input: Buffer): Buffer {
  const bytes = Buffer.from(input);
  const kind = int(random, 6);
  if (bytes.length === 0) return Buffer.from([int(random, 256)]);
  const at = int(random, bytes.length);
  switch (kind) {
    case 0: // flip some bytes
      for (let i = 0; i < 1 + int(random, 4); i++) bytes[int(random, bytes.length)] = int(random, 256);
      return bytes;
    case 1: // truncate
      return bytes.subarray(0, at);
    case 2: // insert random bytes
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + int(random, 16) }, () => int(random, 256))),
        bytes.subarray(at),
      ]);
    case 3: // duplicate a range
      return Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(int(random, at + 1), at),
        bytes.subarray(at),
      ]);
    case 4: // varint-sized lengths: set a byte to a huge continuation
      bytes[at] = 0xff;
      return bytes;
    default: // splice with itself
      return Buffer.concat([bytes.subarray(at), bytes.subarray(0, at)]);
  }
}

const JSON_REPLACEMENTS = [
  'null',
  '-1',
  '1e309',
  '"x"',
  '[]',
  '{}',
  'true',
  '"18446744073709551616"',
  '"NaN"',
  '0.5',
];

function mutateJson(random: Random, input: Buffer): Buffer {
  if (random() < 0.5) return mutateBytes(random, input);
  // Structured: replace one scalar value with something of another type.
  const text = input.toString('utf8');
  const scalars = [...text.matchAll(/:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g)];
  const target = scalars[int(random, scalars.length)];
  if (target?.index === undefined) return input;
  const valueStart = target.index + target[0].length - (target[1]?.length ?? 0);
  const replacement = JSON_REPLACEMENTS[int(random, JSON_REPLACEMENTS.length)] as string;
  return Buffer.from(
    text.slice(0, valueStart) + replacement + text.slice(valueStart + (target[1]?.length ?? 0)),
  );
}

interface Attempt {
  body: Buffer;
  headers: Record<string, string>;
}

function attempt(random: Random, agentInstall: string, token: string): Attempt {
  const asJson = random() < 0.5;
  const request = cpuRequest({
    installId: agentInstall,
    points: 1 + int(random, 4),
    stage: random() < 0.1 ? 'weird' : 'idle',
  });
  let body = asJson ? mutateJson(random, json(request)) : mutateBytes(random, protobuf(request));
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': asJson ? 'application/json' : 'application/x-protobuf',
  };
  const roll = random();
  if (roll < 0.2) {
    body = gzipSync(body);
    if (random() < 0.3) body = mutateBytes(random, body);
    headers['content-encoding'] = 'gzip';
  } else if (roll < 0.23) {
    headers['content-type'] = ['text/plain', 'application/xml', '', 'application/json; charset=latin1'][
      int(random, 4)
    ] as string;
  } else if (roll < 0.25) {
    headers['authorization'] = `Bearer ${token.slice(0, -3)}abc`;
  }
  return { body, headers };
}

function send(
  url: URL,
  agent: Agent,
  { body, headers }: Attempt,
): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: '/v1/metrics',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.headers['x-filesfu-error-code'];
          resolve({ status: res.statusCode ?? 0, code: typeof code === 'string' ? code : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('fuzzing POST /v1/metrics', () => {
  it(`answers ${MUTATIONS} mutated exports with 2xx/4xx (or backpressure 503) and survives (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const url = new URL(gateway.url);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const installs = Array.from({ length: 16 }, () => randomUUID());
    const tokens = installs.map((installId) => mintInstallToken({ installId, keyId: 'fz', secret: SECRET }));
    const statuses = new Map<string, number>();
    const violations: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < MUTATIONS) {
        const index = next++;
        const which = index % installs.length;
        const answer = await send(
          url,
          agent,
          attempt(random, installs[which] as string, tokens[which] as string),
        );
        const key = `${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const ok =
          (answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500);
        const backpressure = answer.status === 503 && answer.code === 'FILESFU_GW_OVERLOADED';
        if (!ok && !backpressure) violations.push(`#${index}: ${key}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();

    console.log(`fuzz seed ${SEED}:`, Object.fromEntries([...statuses].sort()));
    expect(violations).toEqual([]);
    expect(unexpectedErrors).toEqual([]);
    // Both outcomes must actually have been exercised, or the fuzzer is not fuzzing.
    expect([...statuses.keys()].some((k) => k.startsWith('2'))).toBe(true);
    expect([...statuses.keys()].some((k) => k.startsWith('400'))).toBe(true);

    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const installId = randomUUID();
    const valid = await fetch(`${gateway.url}/v1/metrics`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mintInstallToken({ installId, keyId: 'fz', secret: SECRET })}`,
        'content-type': 'application/x-protobuf',
      },
      body: protobuf(cpuRequest({ installId, points: 1 })),
    });
    expect([200, 503]).toContain(valid.status);
  });
});
