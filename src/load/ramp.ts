// Capacity search: raise the number of sessions step by step until the gateway stops keeping up —
// p99 latency over a bound, throttling/errors over a bound, the gateway saturating one core, or the
// driver itself falling behind — and report the last step that held and what gave out.
import { runLoad, type LoadRunOptions } from './driver.js';
import type { WindowStats } from './latency.js';
import type { LedgerSnapshot } from './sample-ledger.js';
import { ProcessCpuMonitor, type CpuReading, type WatchedProcess } from './process-cpu.js';

export interface RampOptions extends Omit<
  LoadRunOptions,
  'mode' | 'sessions' | 'durationMs' | 'windowMs' | 'onWindow'
> {
  fromSessions: number;
  stepSessions: number;
  maxSessions: number;
  stepDurationMs: number;
  /** Unmeasured load at fromSessions first: the gateway compiles its hot paths (tsx, JIT). */
  warmupMs: number;
  /** p99 request latency bound (ms). */
  maxP99Ms: number;
  /** Share of requests that may be throttled/rejected/failed/skipped before a step fails. */
  maxFailureRatio: number;
  /** Gateway CPU (cores) at which it counts as saturated; Node executes JavaScript on one core. */
  maxGatewayCores: number;
  processes: WatchedProcess[];
  onStep?: (step: RampStep) => void;
}

export interface RampStep {
  sessions: number;
  /** Steady state, after the step's fleet has joined (every session exported once). */
  stats: WindowStats;
  /** The join: one export interval in which every session of the step's new fleet starts. */
  joining: WindowStats | undefined;
  cpu: CpuReading[];
  /** Where the step's recorded samples went (join included). */
  samples: LedgerSnapshot;
  /** Why the step failed; undefined = it held. */
  limit: string | undefined;
}

export interface RampResult {
  maxSustainedSessions: number;
  steps: RampStep[];
  limit: string | undefined;
}

export async function rampSessions(options: RampOptions): Promise<RampResult> {
  const monitor = new ProcessCpuMonitor(options.processes);
  const steps: RampStep[] = [];
  let maxSustainedSessions = 0;
  let limit: string | undefined;
  try {
    if (options.warmupMs > 0 && !options.signal?.aborted) {
      // Unmeasured: the gateway compiles its hot paths and fills its caches.
      await runLoad({
        ...options,
        mode: 'ingest',
        sessions: options.fromSessions,
        durationMs: options.warmupMs,
      });
    }
    for (
      let sessions = options.fromSessions;
      sessions <= options.maxSessions && !options.signal?.aborted;
      sessions += options.stepSessions
    ) {
      await monitor.take();
      // Every step is a new fleet: its first export interval (new sessions, tokens, connections) is
      // reported apart as the join, and the step is judged on the steady state after it.
      let joined: Promise<CpuReading[]> | undefined;
      const result = await runLoad({
        ...options,
        mode: 'ingest',
        sessions,
        durationMs: options.stepDurationMs,
        joinMs: options.exportIntervalMs,
        onJoined: () => {
          joined = monitor.take();
        },
      });
      await joined;
      // An interrupted step ran for less than its duration: it proves nothing either way.
      if (options.signal?.aborted) break;
      const step: RampStep = {
        sessions,
        stats: result.total,
        joining: result.joining,
        cpu: await monitor.take(),
        samples: result.samples,
        limit: undefined,
      };
      step.limit = stepLimit(step, options);
      steps.push(step);
      options.onStep?.(step);
      if (step.limit) {
        limit = step.limit;
        break;
      }
      maxSustainedSessions = sessions;
    }
  } finally {
    monitor.stop();
  }
  return {
    maxSustainedSessions,
    steps,
    limit:
      limit ??
      (options.signal?.aborted ? 'interrupted' : maxSustainedSessions ? `reached --max-sessions` : undefined),
  };
}

export function stepLimit(step: RampStep, options: RampOptions): string | undefined {
  const { stats } = step;
  const failed = stats.throttled + stats.rejected + stats.errors;
  const attempted = stats.requests + stats.skipped;
  // Gateway symptoms first: when it slows down, the driver's in-flight cap fills up as a consequence.
  if (attempted > 0 && failed / attempted > options.maxFailureRatio) {
    return `failures ${((100 * failed) / attempted).toFixed(1)}% (throttled ${stats.throttled}, rejected ${stats.rejected}, errors ${stats.errors}; statuses ${JSON.stringify(stats.statusCounts)})`;
  }
  if (stats.latencyMs.p99 > options.maxP99Ms) {
    return `p99 latency ${stats.latencyMs.p99.toFixed(0)} ms > ${options.maxP99Ms} ms`;
  }
  const gateway = step.cpu
    .filter((c) => c.name.startsWith('gateway'))
    .reduce((max, c) => Math.max(max, c.cores), 0);
  if (gateway >= options.maxGatewayCores)
    return `gateway CPU ${gateway.toFixed(2)} cores >= ${options.maxGatewayCores}`;
  if (stats.skipped > 0 && stats.skipped / attempted > options.maxFailureRatio) {
    return `load driver saturated (${stats.skipped} exports skipped at its in-flight cap while the gateway kept up)`;
  }
  return undefined;
}
