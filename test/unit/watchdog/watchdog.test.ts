import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeExportMetricsServiceRequest } from '../../../src/otlp/index.js';
import { createStageReporter, silentLogger, startWatchdog } from '../../../src/watchdog/index.js';
import { STATE_DIR_LOCK_FILE } from '../../../src/watchdog/session/index.js';

/** A fetch standing in for the gateway: decodes each request and sums the histogram counts per stage. */
function countingGateway() {
  const counts = new Map<string, number>();
  const sessions = new Set<string>();
  const fetchImpl: typeof fetch = (_input, init) => {
    const request = decodeExportMetricsServiceRequest(new Uint8Array(init?.body as Uint8Array));
    for (const rm of request.resourceMetrics) {
      sessions.add(String(rm.resource.attributes.find((kv) => kv.key === 'session.id')?.value));
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) {
          if (metric.type !== 'histogram') continue;
          for (const point of metric.dataPoints) {
            const stage = String(point.attributes.find((kv) => kv.key === 'filesfu.app.stage')?.value);
            counts.set(stage, (counts.get(stage) ?? 0) + point.count);
          }
        }
      }
    }
    return Promise.resolve(new Response(null, { status: 200 }));
  };
  const total = () => [...counts.values()].reduce((a, b) => a + b, 0);
  return { fetchImpl, counts, sessions, total };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not reached');
}

describe('startWatchdog (embedded, pid self)', () => {
  it('samples, tags with the reported stage, delivers every sample, and resumes the session on restart', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'filesfu-watchdog-'));
    const gateway = countingGateway();
    const options = {
      pid: 'self' as const,
      endpoint: 'http://127.0.0.1:9',
      appVersion: '6.4.0',
      stateDir,
      sampleInterval: 100,
      exportInterval: 200,
      spoolFsync: false,
      logger: silentLogger,
      fetch: gateway.fetchImpl,
    };
    const first = await startWatchdog(options);
    expect(first.resumed).toBe(false);
    expect(first.stage).toBe('starting');
    const reporter = createStageReporter(first.socketPath ?? '', { appVersion: '6.4.0' });
    reporter.setStage('indexing');
    await until(() => first.stage === 'indexing' && first.samplesRecorded >= 3);
    await reporter.close();
    await first.stop();
    expect(await first.ended).toBe('stopped');
    expect(gateway.total()).toBe(first.samplesRecorded);
    expect(gateway.counts.get('indexing')).toBeGreaterThan(0);

    const second = await startWatchdog(options);
    expect(second.resumed).toBe(true);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.installId).toBe(first.installId);
    expect(second.setStage('x'.repeat(65))).toBe(false);
    expect(second.setStage('syncing')).toBe(true);
    await until(() => second.samplesRecorded >= 2);
    await second.stop();
    expect(gateway.total()).toBe(first.samplesRecorded + second.samplesRecorded);
    expect([...gateway.sessions]).toEqual([first.sessionId]);
    expect(gateway.counts.get('syncing')).toBeGreaterThan(0);
    const stats = await second.stats();
    expect(stats.spool.backlogEntries).toBe(0);
    expect(stats.sender.deadLettered).toBe(0);
  });

  it('fails clearly for a pid that does not exist', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'filesfu-watchdog-'));
    await expect(
      startWatchdog({
        pid: 2147483646,
        endpoint: 'http://127.0.0.1:9',
        appVersion: '1',
        stateDir,
        socket: 'off',
        logger: silentLogger,
      }),
    ).rejects.toThrow(/not running/);
    // A failed start leaves the state dir free.
    await expect(stat(join(stateDir, STATE_DIR_LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second watchdog on the same state dir until the first has stopped', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'filesfu-watchdog-'));
    const options = {
      pid: 'self' as const,
      endpoint: 'http://127.0.0.1:9',
      appVersion: '6.4.0',
      stateDir,
      socket: 'off' as const,
      spoolFsync: false,
      logger: silentLogger,
      fetch: countingGateway().fetchImpl,
    };
    const first = await startWatchdog(options);
    await expect(startWatchdog(options)).rejects.toThrow(
      /another watchdog \(pid \d+\) is using this state dir/,
    );
    await first.stop();
    const second = await startWatchdog(options);
    expect(second.sessionId).toBe(first.sessionId);
    await second.stop();
  });
});

describe('startWatchdog with an unusable spool', () => {
  it('fails at startup with the reason, instead of running without keeping data', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'filesfu-watchdog-'));
    await writeFile(join(stateDir, 'spool'), 'a file where the spool directory should be');
    await expect(
      startWatchdog({
        pid: 'self',
        endpoint: 'http://127.0.0.1:9',
        appVersion: '6.4.0',
        stateDir,
        socket: 'off',
        logger: silentLogger,
      }),
    ).rejects.toThrow(/cannot open the spool in .*spool: /);
  });
});
