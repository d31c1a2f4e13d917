import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampSessions, type RampOptions } from '../../../src/load/index.js';

// A real HTTP server standing in for the gateway: the ramp logic, not the gateway, is under test.
let server: Server;
let requests = 0;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (overrides: Partial<RampOptions>): RampOptions => ({
  url,
  tokenFor: () => 'token',
  exportIntervalMs: 200,
  fromSessions: 4,
  stepSessions: 4,
  maxSessions: 8,
  stepDurationMs: 600,
  warmupMs: 0,
  maxP99Ms: 1000,
  maxFailureRatio: 0.01,
  maxGatewayCores: 1,
  processes: [],
  ...overrides,
});

describe('rampSessions', () => {
  it('sends unmeasured warm-up load before the first step', async () => {
    requests = 0;
    const result = await rampSessions(options({ warmupMs: 600, maxSessions: 4 }));
    expect(result.steps).toHaveLength(1);
    const measured = result.steps[0]?.stats.requests ?? 0;
    expect(requests).toBeGreaterThan(measured + (result.steps[0]?.joining?.requests ?? 0));
  });

  it('does not count an interrupted step as sustained', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const result = await rampSessions(options({ signal: abort.signal }));
    expect(result.maxSustainedSessions).toBe(0);
    expect(result.steps).toHaveLength(0);
    expect(result.limit).toBe('interrupted');
  });
});
