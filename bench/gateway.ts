// `npm run bench:gateway`: OTLP ingest throughput and latency of our gateway, side by side in the
// same run with our collector build receiving the same payloads (the reference to beat).
//
// For batches of ~100 and ~1000 data points, gzip off and on: peak throughput (data points/s, the
// median of several runs) and CPU per data point of each server process (its threads' time on CPU,
// /proc/<pid>/task/*/schedstat), then latency percentiles at half the gateway's peak request rate.
// Knobs (env):
// FILESFU_BENCH_RUNS (3), FILESFU_BENCH_POINTS (1000000 per run), FILESFU_BENCH_CONCURRENCY (8),
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

import { cpus } from 'node:os';
import {
  CONCURRENCY,
  INSTALLS,
  PACED_SECONDS,
  POINTS_PER_RUN,
  POINTS_PER_SESSION,
  RUNS,
  WARMUP_POINTS,
  loadJob,
} from './gateway-knobs.js';
import type { LoadJob } from './gateway-load.js';
import { measure, pointsPerCpuSecond, type RunResult } from './gateway-measure.js';
import { median } from './median.js';
import { printReport } from './gateway-report.js';
import { describeStalls, scrapeStalls } from './gateway-stalls.js';
import {
  type Target,
  type TargetName,
  peakRssMiB,
  startCollector,
  startFloor,
  startGateway,
  stopAll,
  workDir,
} from './gateway-targets.js';

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
        await measure(target, loadJob(target.url, pointsPerRequest, gzip, WARMUP_POINTS / 4));
      }
    }
  }
  progress('warm-up done');

  const rows: string[] = [];
  const latencyRows: string[] = [];
  const layerRows: string[] = [];
  for (const pointsPerRequest of [100, 1000]) {
    for (const gzip of [false, true]) {
      const job = (target: Target, pacedRate?: number): LoadJob =>
        loadJob(target.url, pointsPerRequest, gzip, POINTS_PER_RUN, pacedRate);
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

  printReport({
    peakRows: rows,
    layerRows,
    latencyRows,
    peakRss: { gateway: peakRssMiB(gateway), collector: peakRssMiB(collector) },
  });
}

/** `items` rotated left by `by` places. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function summarize(results: RunResult[]) {
  return {
    pointsPerSecond: median(results.map((r) => r.pointsPerSecond)),
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    pointsPerCpuSecond: median(results.map((r) => pointsPerCpuSecond(r))),
    failures: results.reduce((n, r) => n + r.failures, 0),
  };
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
