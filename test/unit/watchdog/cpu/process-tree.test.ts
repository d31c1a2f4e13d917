import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { clockTicksPerSecond, CpuSampler, ProcfsCpuSource } from '../../../../src/watchdog/cpu/index.js';

// Real processes: a parent that idles while the children it forked burn CPU.

const running: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      // Already gone.
    }
  }
});

/** Starts `script` in a node parent; resolves once it printed its first line. */
function startParent(script: string): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      resolve({ child, lines });
    });
    child.once('error', reject);
  });
}

/** CPU seconds of one process and of the children it reaped, read independently from /proc. */
function cpuOf(pid: number): { own: number; reaped: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = (n: number): number => Number(fields[n - 3]);
  return {
    own: (ticks(14) + ticks(15)) / clockTicksPerSecond(),
    reaped: (ticks(16) + ticks(17)) / clockTicksPerSecond(),
  };
}

function collect(pid: number, processTree: boolean) {
  const samples: number[] = [];
  const sampler = new CpuSampler({
    source: new ProcfsCpuSource(pid, '/proc', { processTree }),
    sampleIntervalMs: 250,
    cpuCount: 1,
    onSample: (u) => samples.push(u),
    onProcessGone: () => {},
  });
  return { samples, sampler };
}

const BURNING_CHILD = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }); console.log(String(c.pid)); setInterval(() => {}, 1000);`;

describe.skipIf(process.platform !== 'linux')('process-tree accounting on real processes', () => {
  it("counts a forked child's CPU while its parent idles, and only with process-tree accounting on", async () => {
    const { child, lines } = await startParent(BURNING_CHILD);
    const pid = child.pid ?? 0;
    const burnerPid = Number(lines[0]);
    cleanups.push(() => process.kill(burnerPid, 'SIGKILL'));
    const burnerBefore = cpuOf(burnerPid).own;
    const withTree = collect(pid, true);
    const alone = collect(pid, false);
    withTree.sampler.start();
    alone.sampler.start();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    withTree.sampler.stop();
    alone.sampler.stop();
    const wallSeconds = (performance.now() - startedAt) / 1000;
    // The burning child gets what the shared machine gives it: the kernel's account of it is the
    // reference. The parent itself stays near zero.
    const burnerCores = (cpuOf(burnerPid).own - burnerBefore) / wallSeconds;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const treeCores = mean(withTree.samples);
    const aloneCores = mean(alone.samples);
    expect(burnerCores).toBeGreaterThan(0.02);
    expect(withTree.samples.length).toBeGreaterThanOrEqual(5);
    expect(treeCores).toBeGreaterThan(burnerCores * 0.6);
    expect(aloneCores).toBeLessThan(burnerCores * 0.3);
    expect(withTree.sampler.stats.rebaselines).toBe(0);
  }, 30_000);

  it('children that exit between samples give no negative or spiking samples and are all counted', async () => {
    // Five children in turn, each burning ~150 ms and exiting, reaped by the idle parent.
    const script = `
      const { spawn } = require('node:child_process');
      console.log('started');
      let left = 5;
      const next = () => {
        if (left-- === 0) return console.log('done');
        spawn(process.execPath, ['-e', 'const end = Date.now() + 150; while (Date.now() < end) {}'], { stdio: 'ignore' })
          .once('exit', () => setTimeout(next, 100));
      };
      next();
      setInterval(() => {}, 1000);`;
    const { child, lines } = await startParent(script);
    const pid = child.pid ?? 0;
    const before = cpuOf(pid);
    const source = new ProcfsCpuSource(pid, '/proc', { processTree: true });
    const start = await source.readCpuSeconds();
    const deltas: number[] = [];
    const excess: number[] = [];
    let last = start;
    let lastAt = performance.now();
    while (!lines.includes('done')) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      const now = await source.readCpuSeconds();
      const at = performance.now();
      deltas.push(now - last);
      // At most two processes run at once (the parent and one child): 2 cores of the wall time.
      excess.push(now - last - (2 * (at - lastAt)) / 1000);
      last = now;
      lastAt = at;
    }
    const after = cpuOf(pid);
    // Every child was reaped by the parent: the kernel's own account of the tree is the parent's
    // time plus its reaped children's time.
    const reference = after.own + after.reaped - (before.own + before.reaped);
    expect(Math.min(...deltas)).toBeGreaterThanOrEqual(0);
    // No spike: no reading adds more CPU than the tree can burn in its wall time, give or take the
    // kernel's tick accounting (a tick per process).
    expect(Math.max(...excess)).toBeLessThan(0.03);
    expect(last - start).toBeCloseTo(reference, 1);
    expect(reference).toBeGreaterThan(0.2);
  }, 60_000);
});
