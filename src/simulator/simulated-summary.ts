// Text of a simulated-clock run: the progress line and the end summary with the ground truth's
// headline numbers (fleet and per-version session-window over-rates).
import { formatLedger } from '../load/index.js';
import { formatDuration } from './duration.js';
import { truthOverRate, truthTotals } from './ground-truth.js';
import { formatCulprits } from './progress.js';
import type { SimulatedClockProgress, SimulatedClockResult } from './simulated-clock.js';

export function simulatedProgressLine(progress: SimulatedClockProgress): string {
  const parts = [
    formatDuration(progress.elapsedMs),
    `${progress.installsDone}/${progress.installs} installs done`,
    `${progress.sessionsStarted} sessions`,
    `${(progress.samples / 3600).toFixed(0)} session-hours`,
    `${progress.requests} requests`,
  ];
  if (progress.exportsFailed > 0) parts.push(`${progress.exportsFailed} failed`);
  return parts.join(' · ');
}

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

export function formatSimulatedSummary(result: SimulatedClockResult): string {
  const { truth } = result;
  const faults = Object.entries(result.faultSessionsByFault)
    .map(([name, count]) => `${name}=${count}`)
    .join(', ');
  const start = new Date(result.period.startMs).toISOString();
  const end = new Date(result.period.endMs).toISOString();
  const lines = [
    `scenario            ${result.scenario}${result.aborted ? ' (stopped early)' : ''}`,
    `simulated period    ${start} → ${end} (${formatDuration(result.period.endMs - result.period.startMs)}), windows of ${result.windowSeconds} s`,
    `installs            ${result.sessions} concurrent; ${result.sessionsStarted} sessions (${result.sessionsReporting} reporting)`,
    `samples             ${result.samples} (${result.faultySamples} from injected faults) = ${result.sessionHours.toFixed(1)} session-hours`,
    `fault sessions      ${result.faultSessions}${faults ? ` (${faults})` : ''}`,
    `requests            ${result.requests} (${result.points} points): ${result.exportsDelivered} delivered, ${result.exportRetries} retries, ${result.exportsFailed} failed, ${result.rejectedDataPoints} points rejected${result.lastError ? ` (last error: ${result.lastError})` : ''}`,
    `delivery            ${formatLedger(result.ledger)}`,
    `wall time           ${formatDuration(result.wallMs)} (${result.sessionHoursPerWallSecond.toFixed(0)} session-hours per second)`,
  ];
  for (const threshold of truth.thresholds) {
    const fleet = truthTotals(truth.session, threshold);
    const versions = [...new Set(truth.session.map((c) => c.labels.version ?? ''))].sort();
    const perVersion = versions
      .map((version) => `${version} ${percent(truthOverRate(truth.session, threshold, { version }))}`)
      .join(', ');
    lines.push(
      `truth at T=${threshold.padEnd(5)} ${fleet.high}/${fleet.active} session windows high (${percent(fleet.active ? fleet.high / fleet.active : 0)}); ${perVersion}`,
    );
  }
  lines.push(`expected culprits   ${formatCulprits(result.expectedCulprits)}`);
  return lines.join('\n');
}
