import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../src/stack/index.js';
import { loadProcess, stopChild, watchdogProcess } from '../support/processes.js';

// Issue #4's outage scenario through the REAL pipeline (watchdog → gateway → collector → Prometheus):
// the gateway is down while the app runs, the watchdog is restarted in the middle of the outage (it
// must resume the same session and keep its spool), then the gateway comes back. Every sample either
// watchdog run recorded must be counted exactly once in Prometheus, and the run is one session.

const VERSION = '9.4.0-outage';
const INSTALL_ID = 'install-outage-test';

function jsonLogs(child: ChildProcess): () => Array<Record<string, unknown>> {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('watchdog outage: gateway down, watchdog restarted mid-outage, gateway back', () => {
  let stack: Stack;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack({
      prometheusIntervalSeconds: 1,
      gatewayConfig: { pipeline: { export: { flushIntervalMs: 1000 } } },
    });
  });

  afterAll(async () => {
    for (const child of children) await stopChild(child, 'SIGKILL');
    await stack?.stop();
  });

  it('counts every recorded sample exactly once, as one session', async () => {
    const app = loadProcess('busy');
    children.push(app);
    const stateDir = mkdtempSync(join(stack.workDir, 'watchdog-outage-'));
    const runWatchdog = () => {
      const child = watchdogProcess([
        `--pid=${app.pid}`,
        `--endpoint=${stack.gatewayUrl}`,
        `--app-version=${VERSION}`,
        `--token=${stack.mintToken(INSTALL_ID)}`,
        `--install-id=${INSTALL_ID}`,
        `--state-dir=${stateDir}`,
        '--sample-interval=500ms',
        '--export-interval=1s',
        '--retry-base-delay=200ms',
        '--retry-max-delay=1s',
      ]);
      children.push(child);
      return { child, logs: jsonLogs(child) };
    };
    const started = (logs: () => Array<Record<string, unknown>>) =>
      waitFor(async () => logs().find((l) => l.event === 'session.start' || l.event === 'session.resumed'), {
        what: 'watchdog session log',
        timeoutMs: 60_000,
      });
    const retrying = (logs: () => Array<Record<string, unknown>>) =>
      waitFor(async () => (logs().some((l) => l.event === 'export.retry') ? true : undefined), {
        what: 'an export retried against the stopped gateway',
        timeoutMs: 60_000,
      });

    await stack.stopGateway(0);

    const first = runWatchdog();
    const firstSession = await started(first.logs);
    expect(firstSession.event).toBe('session.start');
    await retrying(first.logs);
    await stopChild(first.child);
    const firstRecorded = Number(first.logs().find((l) => l.event === 'watchdog.stopped')?.samplesRecorded);
    expect(firstRecorded).toBeGreaterThan(0);

    const second = runWatchdog();
    const secondSession = await started(second.logs);
    expect(secondSession.event).toBe('session.resumed');
    expect(secondSession.sessionId).toBe(firstSession.sessionId);
    await retrying(second.logs);

    await stack.startGateway(0);
    await waitFor(
      async () => (second.logs().some((l) => l.event === 'export.recovered') ? true : undefined),
      {
        what: 'the watchdog delivering after the gateway came back',
        timeoutMs: 90_000,
      },
    );
    await stopChild(second.child);
    const secondRecorded = Number(second.logs().find((l) => l.event === 'watchdog.stopped')?.samplesRecorded);
    const recorded = firstRecorded + secondRecorded;

    const countQuery = `sum(process_cpu_utilization_count{version="${VERSION}"})`;
    const counted = async () => Number((await stack.queryPrometheus(countQuery))[0]?.value[1] ?? NaN);
    await waitFor(async () => ((await counted()) === recorded ? true : undefined), {
      what: `Prometheus to count all ${recorded} samples`,
      timeoutMs: 60_000,
      intervalMs: 1000,
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message} (Prometheus has ${await counted()})\nlogs:\n${JSON.stringify(second.logs())}`,
      );
    });
    // Stays exact (nothing counted twice later). The plain sum above is exact only because the
    // gateway's counters did not reset across its restart (its state directory kept them).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await counted()).toBe(recorded);
    const resets = await stack.queryPrometheus(
      `sum(resets(process_cpu_utilization_count{version="${VERSION}"}[1h]))`,
    );
    expect(Number(resets[0]?.value[1] ?? 0)).toBe(0);
  });
});
