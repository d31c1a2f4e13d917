// Human-readable load results.
import type { WindowStats } from './latency.js';
import type { CpuReading } from './process-cpu.js';
import type { RampResult, RampStep } from './ramp.js';

export function formatWindow(stats: WindowStats): string {
  const l = stats.latencyMs;
  return [
    `${stats.requests} req (${stats.requestsPerSecond.toFixed(0)}/s)`,
    `ok ${stats.ok}`,
    `throttled ${stats.throttled}`,
    `rejected ${stats.rejected}`,
    `errors ${stats.errors}`,
    `skipped ${stats.skipped}`,
    `latency p50 ${l.p50.toFixed(1)} p90 ${l.p90.toFixed(1)} p99 ${l.p99.toFixed(1)} max ${l.max.toFixed(1)} ms`,
    stats.lastError ? `last error: ${stats.lastError}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function formatCpu(readings: CpuReading[]): string {
  return readings.map((r) => `${r.name} ${r.cores.toFixed(2)}`).join(', ');
}

/** Gateway CPU milliseconds per request: the cost that bounds a replica on an uncontended core. */
export function gatewayCpuMsPerRequest(step: RampStep): number | undefined {
  const gatewayCores = step.cpu
    .filter((c) => c.name.startsWith('gateway'))
    .reduce((sum, c) => sum + c.cores, 0);
  return step.stats.requestsPerSecond > 0 && gatewayCores > 0
    ? (gatewayCores * 1000) / step.stats.requestsPerSecond
    : undefined;
}

export function formatRampStep(step: RampStep): string {
  const cost = gatewayCpuMsPerRequest(step);
  return `${String(step.sessions).padStart(6)} sessions: ${formatWindow(step.stats)} | cores: ${formatCpu(step.cpu)}${
    cost === undefined ? '' : ` | gateway ${cost.toFixed(2)} CPU-ms/request`
  }${step.limit ? ` | LIMIT: ${step.limit}` : ''}${step.joining ? `\n${' '.repeat(8)}join (first interval, judged apart): ${formatWindow(step.joining)}` : ''}`;
}

export function formatRamp(result: RampResult, exportIntervalMs: number): string {
  return [
    `max sustained sessions at a ${exportIntervalMs / 1000} s export interval: ${result.maxSustainedSessions}`,
    `limit: ${result.limit ?? 'none reached'}`,
  ].join('\n');
}
