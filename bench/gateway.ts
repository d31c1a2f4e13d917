// `npm run bench:gateway`: OTLP ingest throughput and latency of our gateway, side by side in the
// same run with our collector build receiving the same payloads (the reference to beat).
//
// For batches of ~100 and ~1000 data points, gzip off and on: peak throughput (data points/s, the
// median of several runs) and CPU per data point of each server process (from /proc/<pid>/stat),
// then latency percentiles at half the gateway's peak request rate. Knobs (env):
// FILESFU_BENCH_RUNS (3), FILESFU_BENCH_POINTS (300000 per run), FILESFU_BENCH_CONCURRENCY (8),
// FILESFU_BENCH_WARMUP_POINTS (2000000 per target before the first measurement),
// FILESFU_BENCH_PACED_SECONDS (10: length of each latency measurement at half the peak rate),
// FILESFU_BENCH_POINTS_PER_SESSION (10: data points per session; each session is a resource of its
// own and new to the gateway, so this sets how often the per-session work is paid),
// FILESFU_BENCH_INSTALLS (0: every request from a new install; N: requests cycle through N
// installs that keep their tokens, as watchdogs do).
//
// Two more servers get the same peak load, to show where the gateway's CPU goes: a bare node:http
// server reading the body with the gateway's reader ("HTTP floor", bench/http-floor-server.ts), and
// the same server decoding it ("HTTP + decode"). Their CPU per request, as a fraction of the
// collector's in the same run, is what any Node OTLP endpoint pays before doing anything.

import { spawn, fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, openSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_ARGS, gatewayNodeOptions } from '../src/gateway/runtime-options.js';
import { freePort, resolveTools, repoPath } from '../src/stack/index.js';
import type { LoadJob, LoadMessage } from './gateway-load.js';
import { describeStalls, scrapeStalls } from './gateway-stalls.js';

const RUNS = Number(process.env['FILESFU_BENCH_RUNS'] ?? 3);
// Long enough (~2 s of gateway time) that every run includes the major GCs of a gateway holding its
// full session store; at 100k points a run either caught one or not, and runs varied 2×.
const POINTS_PER_RUN = Number(process.env['FILESFU_BENCH_POINTS'] ?? 300_000);
const CONCURRENCY = Number(process.env['FILESFU_BENCH_CONCURRENCY'] ?? 8);
// A server runs for days, so the benchmark measures the steady state. The gateway gets there only
// after ~1M points: V8 keeps optimising the hot path (measured: +45% points per CPU-second between
// the first and the third 400k-point round), and every request of this load is a new install and
// session, so the session store, token cache and rate-limit buckets grow until they are full
// (200k sessions = 2M points here). The Go collector has no warm-up; it gets the same load.
const PACED_SECONDS = Number(process.env['FILESFU_BENCH_PACED_SECONDS'] ?? 10);
const WARMUP_POINTS = Number(process.env['FILESFU_BENCH_WARMUP_POINTS'] ?? 2_000_000);
const POINTS_PER_SESSION = integerKnob('FILESFU_BENCH_POINTS_PER_SESSION', 10, 1);
const INSTALLS = integerKnob('FILESFU_BENCH_INSTALLS', 0, 0);
const RETURNING_INSTALLS =
  INSTALLS > 0 ? { count: INSTALLS, issuedAtSeconds: Math.floor(Date.now() / 1000) } : undefined;
const KEY_ID = 'bench';
const SECRET = 'bench-secret-0123456789abcdef';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

type TargetName = 'gateway' | 'collector' | 'http-floor' | 'http-decode';

interface Target {
  name: TargetName;
  url: string;
  child: ChildProcess;
}

interface RunResult {
  pointsPerSecond: number;
  requestsPerSecond: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  points: number;
  failures: number;
  latenciesMs: number[];
}

mkdirSync(repoPath('.tmp'), { recursive: true });
const workDir = mkdtempSync(join(repoPath('.tmp'), 'bench-gateway-'));
const children: ChildProcess[] = [];

async function main(): Promise<void> {
  const collector = await startCollector();
  const gateway = await startGateway(collector.url);
  const floor = await startFloor('http-floor');
  const floorDecode = await startFloor('http-decode');
  const targets = [gateway, collector, floor, floorDecode];
  console.log(
    `# gateway vs collector ingest — ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
  );
  console.log(
    `# ${RUNS} runs × ${POINTS_PER_RUN} data points per configuration, ${POINTS_PER_SESSION} points per session, ${INSTALLS > 0 ? `${INSTALLS} returning installs` : 'a new install per request'}, concurrency ${CONCURRENCY}; logs in ${workDir}\n`,
  );

  // Warm-up (JIT, connection pools, first series admissions) so the first configuration is not penalised.
  for (const target of targets) {
    for (const pointsPerRequest of [100, 1000]) {
      for (const gzip of [false, true]) {
        await measure(target, {
          url: `${target.url}/v1/metrics`,
          payload: {
            pointsPerRequest,
            gzip,
            keyId: KEY_ID,
            secret: SECRET,
            pointsPerSession: POINTS_PER_SESSION,
            returningInstalls: RETURNING_INSTALLS,
          },
          requests: Math.max(CONCURRENCY, Math.round(WARMUP_POINTS / 4 / pointsPerRequest)),
          concurrency: CONCURRENCY,
        });
      }
    }
  }
  progress('warm-up done');

  const rows: string[] = [];
  const latencyRows: string[] = [];
  const layerRows: string[] = [];
  for (const pointsPerRequest of [100, 1000]) {
    for (const gzip of [false, true]) {
      const requests = Math.max(CONCURRENCY, Math.round(POINTS_PER_RUN / pointsPerRequest));
      const job = (target: Target, pacedRate?: number): LoadJob => ({
        url: `${target.url}/v1/metrics`,
        payload: {
          pointsPerRequest,
          gzip,
          keyId: KEY_ID,
          secret: SECRET,
          pointsPerSession: POINTS_PER_SESSION,
          returningInstalls: RETURNING_INSTALLS,
        },
        requests,
        concurrency: CONCURRENCY,
        pacedRate,
      });
      const peak: Record<TargetName, RunResult[]> = {
        gateway: [],
        collector: [],
        'http-floor': [],
        'http-decode': [],
      };
      for (let run = 0; run < RUNS; run++) {
        // Rotate so that drift on a shared machine hits every target alike.
        for (const target of rotate(targets, run)) {
          const result = await measure(target, job(target));
          peak[target.name].push(result);
          progress(
            `${pointsPerRequest} pts/req ${gzip ? 'gzip' : 'none'} run ${run + 1}: ${target.name} ${fmt(result.pointsPerSecond)} points/s`,
          );
        }
      }
      const g = summarize(peak.gateway);
      const c = summarize(peak.collector);
      const f = summarize(peak['http-floor']);
      const fd = summarize(peak['http-decode']);
      // CPU per data point as a multiple of the collector's (the inverse of the ratio of points per CPU-second).
      const cpuVsCollector = (s: { pointsPerCpuSecond: number }) =>
        (c.pointsPerCpuSecond / s.pointsPerCpuSecond).toFixed(2);
      layerRows.push(
        `| ${pointsPerRequest} | ${gzip ? 'gzip' : 'none'} | ${fmt(f.pointsPerCpuSecond)} | ${fmt(fd.pointsPerCpuSecond)} | ${cpuVsCollector(f)} | ${cpuVsCollector(fd)} | ${cpuVsCollector(g)} |`,
      );
      rows.push(
        `| ${pointsPerRequest} | ${gzip ? 'gzip' : 'none'} | ${fmt(g.pointsPerSecond)} | ${fmt(c.pointsPerSecond)} | ${(g.pointsPerSecond / c.pointsPerSecond).toFixed(2)} | ${fmt(g.pointsPerCpuSecond)} | ${fmt(c.pointsPerCpuSecond)} | ${(g.pointsPerCpuSecond / c.pointsPerCpuSecond).toFixed(2)} | ${g.failures + c.failures} |`,
      );

      const halfRate = g.requestsPerSecond / 2;
      // Long enough that p99 is a percentile (≥ 600 requests even for 1000-point batches), not the
      // 3 slowest requests of a short run.
      const paced = Math.max(CONCURRENCY, Math.round(halfRate * PACED_SECONDS));
      const pacedJob = (target: Target): LoadJob => ({ ...job(target, halfRate), requests: paced });
      const stallsBefore = await scrapeStalls(gateway.url);
      const gl = await measure(gateway, pacedJob(gateway));
      const stalls = describeStalls(stallsBefore, await scrapeStalls(gateway.url));
      const cl = await measure(collector, pacedJob(collector));
      latencyRows.push(
        `| ${pointsPerRequest} | ${gzip ? 'gzip' : 'none'} | ${halfRate.toFixed(0)} | ${percentiles(gl.latenciesMs)} | ${percentiles(cl.latenciesMs)} | ${stalls} |`,
      );
    }
  }

  console.log('## Peak throughput (medians)\n');
  console.log(
    '| points/request | encoding | gateway points/s | collector points/s | ratio g/c | gateway points/CPU-s | collector points/CPU-s | ratio g/c | failed requests |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    '\n"points/CPU-s" = data points per second of one fully busy core (server process user+system CPU).\n',
  );
  console.log("## Where the gateway's CPU goes (medians of the same runs)\n");
  console.log(
    "| points/request | encoding | HTTP floor points/CPU-s | HTTP + decode points/CPU-s | CPU per point, × the collector's: HTTP floor | HTTP + decode | gateway |",
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of layerRows) console.log(row);
  console.log(
    "\nHTTP floor: node:http reading the body with the gateway's reader (gunzip included) and answering 200; HTTP + decode: the same, decoding the body with the gateway's decoder. The gateway adds authentication, validation, state and aggregation.\n",
  );
  console.log(
    "## Latency at half the gateway's peak request rate (same offered load on both), ms p50 / p90 / p99\n",
  );
  console.log(
    '| points/request | encoding | requests/s | gateway | collector | gateway event-loop delay max; GC pauses ≥ 10 ms |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of latencyRows) console.log(row);
  console.log(
    `\nPeak resident memory (VmHWM): gateway ${peakRssMiB(gateway)} MiB, collector ${peakRssMiB(collector)} MiB.`,
  );
}

/** `items` rotated left by `by` places. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function peakRssMiB(target: Target): string {
  try {
    const status = readFileSync(`/proc/${target.child.pid}/status`, 'utf8');
    const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    return Number.isFinite(kib) ? (kib / 1024).toFixed(0) : '?';
  } catch {
    return '?';
  }
}

async function measure(target: Target, job: LoadJob): Promise<RunResult> {
  const load = fork(fileURLToPath(new URL('./gateway-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(load);
  const serverPid = target.child.pid as number;
  let cpuAtStart = 0;
  let loadCpuAtStart = 0;
  const done = await new Promise<Extract<LoadMessage, { type: 'done' }>>((resolve, reject) => {
    load.on('message', (message: LoadMessage) => {
      if (message.type === 'started') {
        cpuAtStart = cpuSeconds(serverPid);
        loadCpuAtStart = cpuSeconds(load.pid as number);
      } else resolve(message);
    });
    load.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    load.send(job);
  });
  const serverCpuSeconds = cpuSeconds(serverPid) - cpuAtStart;
  const loadCpuSeconds = cpuSeconds(load.pid as number) - loadCpuAtStart;
  await new Promise((resolve) => load.once('exit', resolve));
  const failures = Object.entries(done.statuses)
    .filter(([status]) => status !== '200')
    .reduce((n, [, count]) => n + count, 0);
  return {
    pointsPerSecond: done.points / (done.elapsedMs / 1000),
    requestsPerSecond: (job.requests - failures) / (done.elapsedMs / 1000),
    serverCpuSeconds,
    loadCpuSeconds,
    points: done.points,
    failures,
    latenciesMs: done.latenciesMs,
  };
}

function summarize(results: RunResult[]) {
  return {
    pointsPerSecond: median(results.map((r) => r.pointsPerSecond)),
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    pointsPerCpuSecond: median(results.map((r) => r.points / Math.max(r.serverCpuSeconds, 1 / CLOCK_TICKS))),
    failures: results.reduce((n, r) => n + r.failures, 0),
  };
}

/** utime + stime of a process, seconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentiles(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): string =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(2);
  return `${at(0.5)} / ${at(0.9)} / ${at(0.99)}`;
}

function progress(line: string): void {
  process.stderr.write(`  … ${line}\n`);
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function startCollector(): Promise<Target> {
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
  const child = spawn(resolveTools().otelcol, ['--config', config], { stdio: ['ignore', log, log] });
  children.push(child);
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

async function startGateway(collectorUrl: string): Promise<Target> {
  return startNodeServer('gateway', repoPath('src', 'gateway', 'main.ts'), [], (port) => ({
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

function startFloor(name: 'http-floor' | 'http-decode'): Promise<Target> {
  const script = fileURLToPath(new URL('./http-floor-server.ts', import.meta.url));
  return startNodeServer(name, script, [name === 'http-decode' ? 'decode' : 'read'], (port) => ({
    FILESFU_FLOOR_PORT: String(port),
  }));
}

/**
 * A Node server on a free port, with the gateway's V8 flags and NODE_OPTIONS (the floor servers too:
 * they show what the same runtime pays), ready when its /readyz answers.
 */
async function startNodeServer(
  name: Target['name'],
  script: string,
  args: string[],
  envFor: (port: number) => Record<string, string>,
): Promise<Target> {
  const port = await freePort();
  const log = openSync(join(workDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [...GATEWAY_NODE_ARGS, '--import', 'tsx', script, ...args], {
    cwd: repoPath(),
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_OPTIONS: gatewayNodeOptions(process.env['NODE_OPTIONS']), ...envFor(port) },
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/readyz`)).ok, name);
  return { name, url, child };
}

/** An integer env knob ≥ `min`, or `fallback` when unset; anything else stops the benchmark. */
function integerKnob(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  }
  return value;
}

async function waitUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready; see ${workDir}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

main().then(
  () => {
    stopAll();
  },
  (error: unknown) => {
    console.error(error);
    stopAll();
    process.exitCode = 1;
  },
);
