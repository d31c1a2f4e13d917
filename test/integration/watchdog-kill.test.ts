import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { waitFor } from '../../src/stack/index.js';
import { loadProcess, stopChild, watchdogProcess } from '../support/processes.js';

// The real watchdog CLI killed with SIGKILL at random moments while it samples a busy process, then
// restarted. The receiver applies the gateway's exactly-once rule (docs/metrics.md §6: per session, a
// point starting before the session's watermark — the latest end accepted — is a duplicate). Ground
// truth is the watchdog's own debug log: one `cpu.sample` line per sample, written before the sample
// is recorded. Each kill may lose at most the one sample being recorded; none may count twice.

const KILLS = 4;

interface Receiver {
  server: Server;
  url: string;
  accepted: () => number;
  duplicates: () => number;
}

function startReceiver(): Promise<Receiver> {
  const watermarks = new Map<string, bigint>();
  let accepted = 0;
  let duplicates = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = decodeExportMetricsServiceRequest(new Uint8Array(Buffer.concat(chunks)));
      for (const resourceMetrics of request.resourceMetrics) {
        const session = String(
          resourceMetrics.resource.attributes.find((kv) => kv.key === 'session.id')?.value,
        );
        const watermark = watermarks.get(session) ?? 0n;
        let latest = watermark;
        for (const scope of resourceMetrics.scopeMetrics)
          for (const metric of scope.metrics) {
            if (metric.type !== 'histogram') continue;
            for (const point of metric.dataPoints) {
              if (point.startTimeUnixNano < watermark) duplicates += point.count;
              else accepted += point.count;
              if (point.timeUnixNano > latest) latest = point.timeUnixNano;
            }
          }
        watermarks.set(session, latest);
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        server,
        url: `http://127.0.0.1:${port}`,
        accepted: () => accepted,
        duplicates: () => duplicates,
      });
    }),
  );
}

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));

describe.skipIf(process.platform !== 'linux')('watchdog kill -9 under load', () => {
  let receiver: Receiver;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    for (const child of children) await stopChild(child, 'SIGKILL');
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('loses at most one sample per kill and counts none twice', async () => {
    const target = loadProcess('busy');
    children.push(target);
    const stateDir = mkdtempSync(join(tmpdir(), 'filesfu-watchdog-kill-'));
    let logged = 0;
    let recovered = 0;
    const run = (): ChildProcess => {
      const child = watchdogProcess([
        `--pid=${target.pid ?? 0}`,
        `--endpoint=${receiver.url}`,
        '--app-version=6.4.0',
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

    const accepted = receiver.accepted();
    expect(accepted).toBeLessThanOrEqual(logged);
    expect(logged - accepted).toBeLessThanOrEqual(KILLS);
    expect(logged).toBeGreaterThan(KILLS * 3);
    // The journal was exercised: kills left samples that only it had.
    expect(recovered).toBeGreaterThan(0);
  }, 240_000);
});
