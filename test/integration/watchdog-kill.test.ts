import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../src/stack/index.js';
import { GATEWAY_SELF_METRICS } from '../../src/model/index.js';
import { loadProcess, stopChild, watchdogProcess } from '../support/processes.js';
import { promSum, settledSum } from './gateway-pipeline-fixtures.js';

// The real watchdog CLI killed with SIGKILL at random moments while it samples a busy process, then
// restarted on the same state directory (it resumes its session and replays its spool and journal),
// exporting through the REAL chain: gateway → collector → Prometheus. The gateway's exactly-once rule
// drops what a restarted watchdog sends again. Ground truth is the watchdog's own debug log: one
// `cpu.sample` line per sample, written before the sample is recorded. Each kill may lose at most the
// one sample being recorded; none may be counted twice.

const KILLS = 4;
// Only this test's series carry this version, so the totals below are its own.
const VERSION = '9.5.0-watchdog-kill';
const INSTALL_ID = 'install-watchdog-kill-test';
const FLUSH_INTERVAL_MS = 500;

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));

/** A label-less counter from the gateway's own /metrics (the endpoint Prometheus scrapes). */
async function gatewayCounter(stack: Stack, name: string): Promise<number | 'absent'> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 'absent' : Number(line.slice(name.length + 1));
}

describe.skipIf(process.platform !== 'linux')(
  'watchdog kill -9 under load, through the real pipeline',
  () => {
    let stack: Stack;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      stack = await startStack({
        prometheusIntervalSeconds: 1,
        gatewayConfig: { pipeline: { export: { flushIntervalMs: FLUSH_INTERVAL_MS } } },
      });
    });

    afterAll(async () => {
      for (const child of children) await stopChild(child, 'SIGKILL');
      await stack?.stop();
    });

    it('Prometheus loses at most one sample per kill and counts none twice', async () => {
      const target = loadProcess('busy');
      children.push(target);
      const stateDir = mkdtempSync(join(stack.workDir, 'watchdog-kill-'));
      let logged = 0;
      let recovered = 0;
      const sessions: Array<{ event: string; sessionId: string }> = [];
      const run = (): ChildProcess => {
        const child = watchdogProcess([
          `--pid=${target.pid ?? 0}`,
          `--endpoint=${stack.gatewayUrl}`,
          `--app-version=${VERSION}`,
          `--token=${stack.mintToken(INSTALL_ID)}`,
          `--install-id=${INSTALL_ID}`,
          `--state-dir=${stateDir}`,
          '--sample-interval=100ms',
          '--export-interval=700ms',
          '--retry-base-delay=100ms',
          '--log-level=debug',
          '--socket=off',
        ]);
        children.push(child);
        let buffered = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            if (line.includes('"event":"cpu.sample"')) logged += 1;
            if (line.includes('"event":"journal.recovered"'))
              recovered += Number((JSON.parse(line) as { samples?: number }).samples ?? 0);
            if (line.includes('"event":"session.start"') || line.includes('"event":"session.resumed"'))
              sessions.push(JSON.parse(line) as { event: string; sessionId: string });
          }
        });
        return child;
      };

      for (let kill = 0; kill < KILLS; kill += 1) {
        const child = run();
        const before = logged;
        // Sampling is under way (a few samples), then a kill at a random moment within ~2 s.
        await waitFor(() => Promise.resolve(logged >= before + 3 ? true : undefined), {
          timeoutMs: 60_000,
          intervalMs: 50,
          what: 'samples before the kill',
        });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2000));
        child.kill('SIGKILL');
        await exited(child);
      }
      // The last run ends with the target: final flush, session end, exit 0.
      const last = run();
      const before = logged;
      await waitFor(() => Promise.resolve(logged >= before + 5 ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 50,
        what: 'samples of the last run',
      });
      target.kill('SIGKILL');
      await exited(last);
      expect(last.exitCode).toBe(0);

      // Every run after the first resumed the first run's session.
      expect(sessions.map((s) => s.event)).toEqual([
        'session.start',
        ...Array.from({ length: KILLS }, () => 'session.resumed'),
      ]);
      expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(1);

      // The watchdog exited after its final export was acknowledged; the gateway's next flushes
      // carry everything it acknowledged. Its counters never reset here (no gateway restart), so the
      // latest values are the totals.
      const samples = `process_cpu_utilization_count{version="${VERSION}"}`;
      const counted = await settledSum(stack, samples, FLUSH_INTERVAL_MS, `${VERSION} samples`);
      expect(await promSum(stack, `resets(${samples}[10m])`)).toBe(0);
      // Information, not a requirement: how many replayed points the gateway dropped as duplicates.
      const duplicatePoints = await gatewayCounter(stack, GATEWAY_SELF_METRICS.pointsDuplicate);
      console.info(
        `watchdog kill -9 ×${KILLS}: logged ${logged}, in Prometheus ${counted}, journal recovered ${recovered}, ` +
          `gateway dropped ${duplicatePoints} duplicate points`,
      );

      expect(counted).toBeLessThanOrEqual(logged);
      expect(logged - counted).toBeLessThanOrEqual(KILLS);
      expect(logged).toBeGreaterThan(KILLS * 3);
      // The journal was exercised: kills left samples that only it had.
      expect(recovered).toBeGreaterThan(0);
    }, 240_000);
  },
);
