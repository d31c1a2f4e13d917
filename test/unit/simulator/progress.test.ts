import { describe, expect, it } from 'vitest';
import type { SimulationProgress, SimulationResult } from '../../../src/simulator/fleet-runner.js';
import {
  createProgressWriter,
  formatSummary,
  progressBar,
  progressLine,
} from '../../../src/simulator/progress.js';

const progress: SimulationProgress = {
  sessionsStarted: 12,
  sessionsReporting: 12,
  sessionsFinished: 2,
  samples: 3400,
  faultySamples: 120,
  faultSessions: 3,
  faultSessionsByFault: { 'login-busy-loop': 3 },
  exportsDelivered: 40,
  exportRetries: 1,
  exportsFailed: 0,
  rejectedDataPoints: 0,
  flushFailures: 0,
  lastFlushError: undefined,
  elapsedMs: 30_000,
  durationMs: 60_000,
  activeSessions: 10,
  tickLagMs: 0,
};

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, columns: 120, write: (chunk: string) => chunks.push(chunk) > 0 };
  return { chunks, stream: stream as unknown as NodeJS.WriteStream };
}

describe('progress output', () => {
  it('draws a bar', () => {
    expect(progressBar(0.5, 10)).toBe('[#####.....]  50%');
    expect(progressBar(2, 4)).toBe('[####] 100%');
  });

  it('says when exports fail or the simulator itself falls behind', () => {
    expect(progressLine(progress)).not.toMatch(/failed|lagging/);
    expect(progressLine({ ...progress, exportsFailed: 2, flushFailures: 1 })).toContain('3 failed');
    expect(progressLine({ ...progress, tickLagMs: 2500 })).toContain('simulator lagging 2500 ms');
  });

  it('rewrites one line on a TTY', () => {
    const { chunks, stream } = fakeStream(true);
    const writer = createProgressWriter(stream);
    writer.update(progress);
    writer.update({ ...progress, elapsedMs: 31_000 });
    writer.done();
    expect(chunks.slice(0, 2).every((c) => c.startsWith('\r') && !c.includes('\n'))).toBe(true);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes plain, throttled lines otherwise', () => {
    const { chunks, stream } = fakeStream(false);
    const writer = createProgressWriter(stream, { plainEveryMs: 10_000 });
    writer.update(progress);
    writer.update({ ...progress, elapsedMs: 31_000 });
    writer.update({ ...progress, elapsedMs: 60_000 });
    writer.done();
    expect(chunks).toHaveLength(2);
    expect(chunks.every((c) => c.startsWith('[simulate] ') && c.endsWith('\n') && !c.includes('\r'))).toBe(
      true,
    );
  });

  it('summarises the run with the expected culprits', () => {
    const result: SimulationResult = {
      ...progress,
      scenario: 'study-login-regression',
      sessions: 10,
      timeCompression: 10,
      exportIntervalMs: 2000,
      expectedCulprits: [{ version: '7.0.0', stage: 'login', allowMoreSpecific: false }],
      aborted: false,
    };
    const summary = formatSummary(result);
    expect(summary).toContain('study-login-regression');
    expect(summary).toContain('12 started');
    expect(summary).toContain('3400 samples'.replace(' samples', ''));
    expect(summary).toContain('login-busy-loop=3');
    expect(summary).toContain('version=7.0.0 stage=login');
    expect(formatSummary({ ...result, expectedCulprits: [] })).toContain('none (control)');
  });
});
