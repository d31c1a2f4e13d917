import { existsSync, mkdtempSync } from 'node:fs';
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
      gatewayConfig: { pipeline: { export: { flushIntervalMs: 1000 } } },
    });
  });

  afterAll(async () => {
    for (const child of children) await stopChild(child);
    await stack?.stop();
  });

  function watch(kind: 'busy' | 'idle', version: string): string {
    const target = loadProcess(kind);
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
      '--sample-interval=500ms',
      '--export-interval=1s',
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
        const enough = counts.length === 2 && counts.every((sample) => Number(sample.value[1]) >= 6);
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
    const cores = (await import('node:os')).availableParallelism();
    // Normalised by cores: one busy core reads 1/cores. Tolerant, because CI shares its 2 cores.
    expect(mean(BUSY_VERSION)).toBeGreaterThan(0.5 / cores);
    expect(mean(IDLE_VERSION)).toBeLessThan(0.1 / cores);
    expect(mean(BUSY_VERSION)).toBeGreaterThan(5 * mean(IDLE_VERSION));

    const sessions = await stack.queryPrometheus('sum by (version) (filesfu_sessions_total)');
    expect(sessions.map((sample) => sample.metric.version).sort()).toEqual([BUSY_VERSION, IDLE_VERSION]);
  });
});
