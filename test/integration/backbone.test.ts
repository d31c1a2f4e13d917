import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../src/stack/index.js';
import {
  captureOutput,
  loadProcess,
  sendStageLines,
  stopChild,
  watchdogProcess,
} from '../support/processes.js';

// Issue #2's end-to-end check: the real watchdog samples a busy and an idle child process and exports
// through the real gateway and collector into real Prometheus; the CPU values arrive with version and
// stage labels, and the busy process reads clearly higher than the idle one.

const BUSY_VERSION = '9.0.0-busy';
const IDLE_VERSION = '9.0.0-idle';

describe('backbone: watchdog → gateway → collector → Prometheus', () => {
  let stack: Stack;
  const children: ChildProcess[] = [];
  const outputs: Array<() => string> = [];

  beforeAll(async () => {
    stack = await startStack({
      prometheusIntervalSeconds: 1,
      gatewayConfig: {
        pipeline: {
          export: { flushIntervalMs: 1000 },
          // Short session windows, so that the sessions' first windows are counted within the test.
          sessions: { windowSeconds: 5, windowGraceSeconds: 1 },
        },
      },
    });
  });

  afterAll(async () => {
    for (const child of children) await stopChild(child);
    await stack?.stop();
  });

  let busyTarget: ChildProcess;

  function watch(kind: 'busy' | 'idle', version: string): string {
    const target = loadProcess(kind);
    if (kind === 'busy') busyTarget = target;
    children.push(target);
    const stateDir = mkdtempSync(join(stack.workDir, `watchdog-${kind}-`));
    const socket = join(stateDir, 'stage.sock');
    const watchdog = watchdogProcess([
      `--pid=${target.pid}`,
      `--endpoint=${stack.gatewayUrl}`,
      `--app-version=${version}`,
      `--token=${stack.mintToken(`install-${kind}`)}`,
      `--install-id=install-${kind}`,
      `--state-dir=${stateDir}`,
      `--socket=${socket}`,
      '--sample-interval=500',
      '--export-interval=1000',
    ]);
    children.push(watchdog);
    outputs.push(captureOutput(watchdog));
    return socket;
  }

  it('delivers CPU utilization with version and stage labels; busy reads higher than idle', async () => {
    const busySocket = watch('busy', BUSY_VERSION);
    const idleSocket = watch('idle', IDLE_VERSION);
    for (const socket of [busySocket, idleSocket]) {
      await waitFor(async () => (existsSync(socket) ? true : undefined), { what: `stage socket ${socket}` });
      await sendStageLines(socket, [{ type: 'stage', stage: 'indexing' }]);
    }

    const meanByVersion = `sum by (version, stage) (process_cpu_utilization_sum{stage="indexing"})
      / sum by (version, stage) (process_cpu_utilization_count{stage="indexing"})`;
    const means = await waitFor(
      async () => {
        const samples = await stack.queryPrometheus(meanByVersion);
        const counts = await stack.queryPrometheus(
          'sum by (version) (process_cpu_utilization_count{stage="indexing"})',
        );
        // Two queries: the means must hold both versions too, not only the later counts.
        const enough =
          counts.length === 2 &&
          counts.every((sample) => Number(sample.value[1]) >= 6) &&
          [BUSY_VERSION, IDLE_VERSION].every((version) =>
            samples.some(
              (sample) => sample.metric.version === version && Number.isFinite(Number(sample.value[1])),
            ),
          );
        return enough ? samples : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: 'CPU samples of both versions in Prometheus' },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\nwatchdog output:\n${outputs.map((output) => output()).join('\n---\n')}`,
      );
    });

    const mean = (version: string) =>
      Number(means.find((sample) => sample.metric.version === version)?.value[1]);
    // Ground truth from the kernel, read by the test itself: the busy child's CPU share over its life.
    // On a shared 2-core machine a busy loop rarely gets a whole core, so compare with what it got.
    const busyShare = lifetimeCpuShare(busyTarget.pid ?? 0);
    const cores = availableParallelism();
    expect(busyShare).toBeGreaterThan(0.1);
    expect(mean(BUSY_VERSION) * cores).toBeGreaterThan(busyShare * 0.5);
    expect(mean(BUSY_VERSION) * cores).toBeLessThan(Math.min(1, busyShare * 1.5) + 0.05);
    expect(mean(IDLE_VERSION) * cores).toBeLessThan(0.05);
    expect(mean(BUSY_VERSION)).toBeGreaterThan(5 * mean(IDLE_VERSION));

    const sessions = await waitFor(
      async () => {
        const windows = await stack.queryPrometheus('sum by (version) (filesfu_session_windows_total) > 0');
        return windows.length === 2 ? windows : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'session windows of both versions in Prometheus' },
    );
    expect(sessions.map((sample) => sample.metric.version).sort()).toEqual([BUSY_VERSION, IDLE_VERSION]);
    // The idle process never has a high-CPU window.
    const idleHigh = await stack.queryPrometheus(
      `sum(filesfu_session_windows_high_cpu_total{version="${IDLE_VERSION}"})`,
    );
    expect(Number(idleHigh[0]?.value[1] ?? 0)).toBe(0);
  });
});

/** CPU seconds / wall seconds since the process started, from /proc (fields 14, 15 and 22). */
function lifetimeCpuShare(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // CLK_TCK on Linux x86_64/arm64
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks;
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const startedSeconds = Number(fields[19]) / ticks;
  return cpuSeconds / (uptime - startedSeconds);
}
