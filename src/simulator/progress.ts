// Progress output without a dependency: one rewritten line on a TTY, a plain line every few seconds
// otherwise (CI logs stay readable), and a summary block at the end.
import { formatDuration } from './duration.js';
import type { SimulationProgress, SimulationResult } from './fleet-runner.js';

export interface ProgressWriter {
  update(progress: SimulationProgress): void;
  done(): void;
}

export function createProgressWriter(
  stream: NodeJS.WriteStream = process.stderr,
  options: { plainEveryMs?: number } = {},
): ProgressWriter {
  const plainEveryMs = options.plainEveryMs ?? 10_000;
  let lastPlainMs = -Infinity;
  let wroteLine = false;
  return {
    update(progress) {
      if (stream.isTTY) {
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 70));
        stream.write(
          `\r${progressBar(progress.elapsedMs / progress.durationMs, width)} ${progressLine(progress)}\x1b[K`,
        );
        wroteLine = true;
      } else if (
        progress.elapsedMs - lastPlainMs >= plainEveryMs ||
        progress.elapsedMs >= progress.durationMs
      ) {
        lastPlainMs = progress.elapsedMs;
        stream.write(`[simulate] ${progressLine(progress)}\n`);
      }
    },
    done() {
      if (wroteLine) stream.write('\n');
      wroteLine = false;
    },
  };
}

export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`;
}

export function progressLine(progress: SimulationProgress): string {
  const parts = [
    `${formatDuration(progress.elapsedMs)}/${formatDuration(progress.durationMs)}`,
    `${progress.activeSessions} active`,
    `${progress.sessionsStarted} sessions`,
    `${progress.samples} samples`,
    `${progress.faultSessions} faulty`,
  ];
  if (progress.exportsDelivered > 0) parts.push(`${progress.exportsDelivered} exports`);
  if (progress.exportsFailed + progress.flushFailures > 0) {
    parts.push(`${progress.exportsFailed + progress.flushFailures} failed`);
  }
  // Samples are still all recorded (due ones catch up), but in bursts: worth knowing.
  if (progress.tickLagMs > 1000) parts.push(`simulator lagging ${Math.round(progress.tickLagMs)} ms`);
  return parts.join(' · ');
}

export function formatSummary(result: SimulationResult): string {
  const faults = Object.entries(result.faultSessionsByFault)
    .map(([name, count]) => `${name}=${count}`)
    .join(', ');
  const lines = [
    `scenario            ${result.scenario}${result.aborted ? ' (stopped early)' : ''}`,
    `concurrent sessions ${result.sessions} (time compression ${result.timeCompression}x, export every ${formatDuration(result.exportIntervalMs)})`,
    `sessions            ${result.sessionsStarted} started, ${result.sessionsFinished} ran to shutdown`,
    `samples             ${result.samples} (${result.faultySamples} from injected faults)`,
    `fault sessions      ${result.faultSessions}${faults ? ` (${faults})` : ''}`,
    `exports             ${result.exportsDelivered} delivered, ${result.exportRetries} retried, ${result.exportsFailed} failed, ${result.rejectedDataPoints} points rejected (as reported by each session's telemetry)`,
    `failures            ${result.exportsFailed + result.flushFailures}${result.lastFlushError ? ` (last error: ${result.lastFlushError})` : ''}`,
    `expected culprits   ${formatCulprits(result.expectedCulprits)}`,
  ];
  return lines.join('\n');
}

/** `version=7.0.0 stage=login; os=darwin` or `none (control)`. */
export function formatCulprits(culprits: SimulationResult['expectedCulprits']): string {
  if (culprits.length === 0) return 'none (control)';
  return culprits
    .map((culprit) =>
      (['version', 'stage', 'os', 'cpu_cores', 'detail', 'detail_bucket'] as const)
        .flatMap((key) => (culprit[key] === undefined ? [] : [`${key}=${culprit[key]}`]))
        .join(' '),
    )
    .join('; ');
}
