import { describe, expect, it } from 'vitest';
import { WindowRecorder, classifyStatus } from '../../../src/load/latency.js';
import { stepLimit, type RampOptions, type RampStep } from '../../../src/load/ramp.js';
import { SampleLedger } from '../../../src/load/sample-ledger.js';

describe('WindowRecorder', () => {
  it('counts outcomes and computes latency percentiles per window', () => {
    const recorder = new WindowRecorder();
    for (let i = 1; i <= 100; i++) recorder.record('ok', 200, i, 10);
    recorder.record('throttled', 429, 5, 10);
    recorder.record('error', 'network', 7, 10, 'ECONNRESET');
    recorder.skip();
    const stats = recorder.take();
    expect(stats).toMatchObject({
      requests: 102,
      ok: 100,
      throttled: 1,
      errors: 1,
      rejected: 0,
      skipped: 1,
      bytesSent: 1020,
    });
    expect(stats.statusCounts).toEqual({ '200': 100, '429': 1, network: 1 });
    expect(stats.latencyMs.max).toBe(100);
    expect(stats.latencyMs.p50).toBeGreaterThanOrEqual(49);
    expect(stats.latencyMs.p50).toBeLessThanOrEqual(52);
    expect(stats.latencyMs.p99).toBeGreaterThanOrEqual(98);
    expect(stats.lastError).toBe('ECONNRESET');
    // take() starts a new window.
    expect(recorder.take()).toMatchObject({ requests: 0, ok: 0, latencyMs: { p50: 0, p99: 0, max: 0 } });
  });

  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [429, 'throttled'],
    [503, 'throttled'],
    [400, 'rejected'],
    [401, 'rejected'],
    [413, 'rejected'],
    [500, 'error'],
    [502, 'error'],
  ] as const)('classifies HTTP %d as %s', (status, outcome) => {
    expect(classifyStatus(status)).toBe(outcome);
  });
});

describe('ramp step limits', () => {
  const options = { maxP99Ms: 250, maxFailureRatio: 0.01, maxGatewayCores: 0.95 } as RampOptions;
  const step = (stats: Partial<RampStep['stats']>, gatewayCores = 0.3): RampStep => {
    const recorder = new WindowRecorder();
    for (let i = 0; i < 1000; i++) recorder.record('ok', 200, 10, 100);
    return {
      sessions: 1000,
      stats: { ...recorder.take(), ...stats },
      joining: undefined,
      cpu: [{ name: 'gateway-0', cores: gatewayCores }],
      samples: new SampleLedger().snapshot(),
      limit: undefined,
    };
  };

  it('passes a healthy step', () => {
    expect(stepLimit(step({}), options)).toBeUndefined();
  });
  it('fails on p99 latency', () => {
    expect(stepLimit(step({ latencyMs: { p50: 5, p90: 50, p99: 400, max: 900 } }), options)).toMatch(
      /p99 latency 400 ms > 250 ms/,
    );
  });
  it('fails on throttling', () => {
    expect(stepLimit(step({ throttled: 50 }), options)).toMatch(/failures 5\.0%.*throttled 50/);
  });
  it('fails when the driver itself cannot keep up', () => {
    expect(stepLimit(step({ skipped: 100 }), options)).toMatch(/load driver saturated/);
  });
  it('fails when the gateway saturates a core', () => {
    expect(stepLimit(step({}, 0.97), options)).toMatch(/gateway CPU 0\.97 cores/);
  });
});
