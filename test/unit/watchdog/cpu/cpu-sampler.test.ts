import { describe, expect, it } from 'vitest';
import {
  CpuSampler,
  normaliseUtilization,
  ProcessGoneError,
  SUSPEND_FACTOR,
  type CpuTimeSource,
} from '../../../../src/watchdog/cpu/index.js';

/** A source replaying scripted readings; each reading also advances a fake monotonic clock. */
function scripted(readings: Array<{ cpu: number; wallMs: number } | 'gone'>) {
  let clockNs = 0n;
  let i = 0;
  const source: CpuTimeSource = {
    description: 'scripted',
    readCpuSeconds: () => {
      const next = readings[i++];
      if (next === undefined || next === 'gone') return Promise.reject(new ProcessGoneError('gone'));
      clockNs += BigInt(next.wallMs) * 1_000_000n;
      return Promise.resolve(next.cpu);
    },
    processRunId: () => Promise.resolve('1@1'),
    close: () => {},
  };
  return { source, nowNs: () => clockNs };
}

async function run(readings: Parameters<typeof scripted>[0], cpuCount = 4, intervalMs = 1000) {
  const { source, nowNs } = scripted(readings);
  const samples: number[] = [];
  let gone = 0;
  const sampler = new CpuSampler({
    source,
    sampleIntervalMs: intervalMs,
    cpuCount,
    nowNs,
    onSample: (u) => samples.push(u),
    onProcessGone: () => (gone += 1),
  });
  for (let i = 0; i < readings.length; i++) await sampler.tick();
  return { samples, gone, stats: sampler.stats };
}

describe('normaliseUtilization', () => {
  it('divides CPU seconds by wall seconds and logical CPUs', () => {
    expect(normaliseUtilization(1, 1, 4)).toBeCloseTo(0.25);
    expect(normaliseUtilization(3, 2, 2)).toBeCloseTo(0.75);
  });
  it('clamps to [0, 1] and survives degenerate input', () => {
    expect(normaliseUtilization(10, 1, 2)).toBe(1);
    expect(normaliseUtilization(-1, 1, 2)).toBe(0);
    expect(normaliseUtilization(1, 0, 2)).toBe(0);
    expect(normaliseUtilization(Number.NaN, 1, 2)).toBe(0);
  });
});

describe('CpuSampler', () => {
  it('records nothing for the first reading (baseline only)', async () => {
    const { samples } = await run([{ cpu: 100, wallMs: 0 }]);
    expect(samples).toEqual([]);
  });

  it('records one normalised sample per later reading', async () => {
    const { samples } = await run([
      { cpu: 100, wallMs: 0 },
      { cpu: 101, wallMs: 1000 }, // 1 core of 4
      { cpu: 103, wallMs: 1000 }, // 2 cores of 4
      { cpu: 103, wallMs: 1000 }, // idle
    ]);
    expect(samples.map((s) => Number(s.toFixed(3)))).toEqual([0.25, 0.5, 0]);
  });

  it('re-baselines instead of sampling across a suspend (wall clock jump)', async () => {
    const jumpMs = (SUSPEND_FACTOR + 1) * 1000;
    const { samples, stats } = await run([
      { cpu: 0, wallMs: 0 },
      { cpu: 1, wallMs: 1000 },
      { cpu: 1.1, wallMs: jumpMs },
      { cpu: 2.1, wallMs: 1000 },
    ]);
    expect(samples.map((s) => Number(s.toFixed(3)))).toEqual([0.25, 0.25]);
    expect(stats.rebaselines).toBe(1);
  });

  it('re-baselines when CPU time goes backwards', async () => {
    const { samples, stats } = await run([
      { cpu: 50, wallMs: 0 },
      { cpu: 10, wallMs: 1000 },
      { cpu: 11, wallMs: 1000 },
    ]);
    expect(samples).toHaveLength(1);
    expect(stats.rebaselines).toBe(1);
  });

  it('reports the process gone once and stops sampling', async () => {
    const { samples, gone } = await run([{ cpu: 0, wallMs: 0 }, { cpu: 1, wallMs: 1000 }, 'gone', 'gone']);
    expect(samples).toHaveLength(1);
    expect(gone).toBe(1);
  });

  it('survives transient read errors', async () => {
    let calls = 0;
    let clock = 0n;
    const samples: number[] = [];
    const sampler = new CpuSampler({
      source: {
        description: 'flaky',
        readCpuSeconds: () => {
          calls += 1;
          clock += 1_000_000_000n;
          return calls === 2 ? Promise.reject(new Error('EIO')) : Promise.resolve(calls);
        },
        processRunId: () => Promise.resolve('x'),
        close: () => {},
      },
      sampleIntervalMs: 1000,
      cpuCount: 1,
      nowNs: () => clock,
      onSample: (u) => samples.push(u),
      onProcessGone: () => {},
    });
    for (let i = 0; i < 3; i++) await sampler.tick();
    expect(sampler.stats.readErrors).toBe(1);
    expect(samples).toHaveLength(1);
  });
});
