// The servers `npm run bench:gateway` measures, as child processes on free loopback ports: our
// collector build, the gateway, and the two floor servers; and what the benchmark reads of them.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_ARGS, gatewayNodeOptions } from '../src/gateway/runtime-options.js';
import { freePort, httpOk, repoPath, resolveTools, waitFor } from '../src/stack/index.js';
import { KEY_ID, SECRET } from './gateway-knobs.js';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export type TargetName = 'gateway' | 'collector' | 'http-floor' | 'http-decode';

export interface Target {
  name: TargetName;
  url: string;
  child: ChildProcess;
}

mkdirSync(repoPath('.tmp'), { recursive: true });
export const workDir = mkdtempSync(join(repoPath('.tmp'), 'bench-gateway-'));
const children: ChildProcess[] = [];

/** Registers a child process for stopAll(). */
export function tracked<T extends ChildProcess>(child: T): T {
  children.push(child);
  return child;
}

export async function startCollector(): Promise<Target> {
  const port = await freePort();
  const config = join(workDir, 'collector.yaml');
  // Minimal: OTLP/HTTP in, debug (basic) out, no self-telemetry endpoints.
  writeFileSync(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'exporters:',
      '  debug:',
      '    verbosity: basic',
      'service:',
      '  telemetry:',
      '    logs:',
      '      level: warn',
      '    metrics:',
      '      level: none',
      '  pipelines:',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [debug]',
      '',
    ].join('\n'),
  );
  const log = openSync(join(workDir, 'collector.log'), 'a');
  const child = tracked(spawn(resolveTools().otelcol, ['--config', config], { stdio: ['ignore', log, log] }));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () =>
      (
        await fetch(`${url}/v1/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: new Uint8Array(0),
        })
      ).ok,
    'collector',
  );
  return { name: 'collector', url, child };
}

/**
 * A gateway replica of the checkout at `checkout` (default: this one; `npm run bench:gateway-ab`
 * passes another), with this checkout's V8 flags; its log is `<logName>.log` in workDir.
 */
export async function startGateway(
  collectorUrl: string,
  checkout = repoPath(),
  logName = 'gateway',
): Promise<Target> {
  const script = join(checkout, 'src', 'gateway', 'main.ts');
  const server = { name: 'gateway', logName, script, args: [], cwd: checkout } as const;
  return startNodeServer(server, (port) => ({
    FILESFU_GATEWAY_HOST: '127.0.0.1',
    FILESFU_GATEWAY_PORT: String(port),
    FILESFU_GATEWAY_AUTH_KEYS: `${KEY_ID}:${SECRET}`,
    FILESFU_GATEWAY_COLLECTOR_URL: `${collectorUrl}/v1/metrics`,
    FILESFU_GATEWAY_REPLICA_ID: 'bench',
    // Budgets raised so the benchmark measures the rate limiter's work, not throttling (with a new
    // install per request the per-install buckets never bind anyway).
    FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({
      server: { logLevel: 'warn', maxInFlightRequests: 10_000 },
      rateLimit: {
        perCredential: { ratePerSecond: 1_000_000, burst: 1_000_000 },
        perInstall: { ratePerSecond: 1_000_000, burst: 1_000_000 },
      },
    }),
  }));
}

export function startFloor(name: 'http-floor' | 'http-decode'): Promise<Target> {
  const script = fileURLToPath(new URL('./http-floor-server.ts', import.meta.url));
  const args = [name === 'http-decode' ? 'decode' : 'read'];
  return startNodeServer({ name, logName: name, script, args, cwd: repoPath() }, (port) => ({
    FILESFU_FLOOR_PORT: String(port),
  }));
}

/**
 * A Node server on a free port, with the gateway's V8 flags and NODE_OPTIONS (the floor servers too:
 * they show what the same runtime pays), ready when its /readyz answers.
 */
async function startNodeServer(
  server: { name: Target['name']; logName: string; script: string; args: readonly string[]; cwd: string },
  envFor: (port: number) => Record<string, string>,
): Promise<Target> {
  const { name, logName, script, args, cwd } = server;
  const port = await freePort();
  const log = openSync(join(workDir, `${logName}.log`), 'a');
  const child = tracked(
    spawn(process.execPath, [...GATEWAY_NODE_ARGS, '--import', 'tsx', script, ...args], {
      cwd,
      stdio: ['ignore', log, log],
      env: { ...process.env, NODE_OPTIONS: gatewayNodeOptions(process.env['NODE_OPTIONS']), ...envFor(port) },
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => httpOk(`${url}/readyz`), logName);
  return { name, url, child };
}

/** Polls `probe` with the stack's waitFor until it holds (60 s at most). */
async function waitUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
  await waitFor(async () => ((await probe()) ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `${what} to become ready (logs in ${workDir})`,
  });
}

export function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

export function peakRssMiB(target: Target): string {
  try {
    const status = readFileSync(`/proc/${target.child.pid}/status`, 'utf8');
    const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    return Number.isFinite(kib) ? (kib / 1024).toFixed(0) : '?';
  } catch {
    return '?';
  }
}

/**
 * CPU time of a process, seconds: the sum of its threads' time on CPU in nanoseconds (first field of
 * /proc/<pid>/task/<tid>/schedstat), because utime + stime (/proc/<pid>/stat) count in 10 ms clock
 * ticks, too coarse for runs of a fraction of a CPU-second. A thread that exits between two readings
 * would drop out of the sum; neither Node nor the Go runtime ends threads under this load. Falls
 * back to the ticks without schedstat.
 */
export function cpuSeconds(pid: number): number {
  try {
    let nanoseconds = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const schedstat = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      nanoseconds += Number(schedstat.slice(0, schedstat.indexOf(' ')));
    }
    if (Number.isFinite(nanoseconds)) return nanoseconds / 1e9;
  } catch {
    // No schedstat (kernel without CONFIG_SCHEDSTATS), or a thread gone while listing: ticks below.
  }
  return cpuSecondsFromTicks(pid);
}

/** utime + stime of a process, seconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSecondsFromTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
