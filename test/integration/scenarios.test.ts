// Every built-in scenario through the REAL pipeline: simulated sessions → watchdog telemetry (OTel
// SDK) → gateway → collector → Prometheus, then the triage must name the scenario's declared culprit
// (version, and stage/OS where declared) — and nothing at all for the control.
//
// A fresh stack per scenario (≈2 s to start) keeps scenarios independent: no leftover series, and
// the triage's range covers exactly one scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { runTriage, type Suspect, type TriageReport } from '../../src/report/index.js';
import {
  listBuiltInScenarios,
  loadScenario,
  loadWatchdogTelemetryFactory,
  runSimulation,
  type Culprit,
  type SimulationResult,
} from '../../src/simulator/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';

// CI size: 200 concurrent sessions for 20 s at 100 samples per session per second ≈ 400 000
// one-second samples from ≈500 sessions per scenario (sessions end and installs start new ones).
// Exports every 5 s keep the request rate (≈40/s) modest on a shared 2-core machine; the sample
// and session counts the triage uses do not depend on it.
const CI_RUN = {
  sessions: 200,
  durationMs: 20_000,
  timeCompression: 100,
  exportIntervalMs: 5000,
  rampUpMs: 5000,
};
// The gateway flushes every second so that a series' first Prometheus sample (which increase()
// cannot count) holds one second of sessions, not the default ten.
const GATEWAY_CONFIG = { pipeline: { export: { flushIntervalMs: 1000 } } };

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function scalar(target: Stack, promql: string): Promise<number | undefined> {
  const [sample] = await target.queryPrometheus(promql);
  return sample === undefined ? undefined : Number(sample.value[1]);
}

/** Waits until Prometheus holds every delivered sample (or stops changing), and returns its counts. */
async function waitForPrometheus(target: Stack, result: SimulationResult) {
  let previous: string | undefined;
  let stablePolls = 0;
  return target.waitFor(
    async () => {
      const samples = await scalar(target, 'sum(process_cpu_utilization_count)');
      const sessions = await scalar(target, 'sum(filesfu_sessions_total)');
      const current = `${samples}/${sessions}`;
      stablePolls = current === previous ? stablePolls + 1 : 0;
      previous = current;
      const complete = samples === result.samples && sessions === result.sessionsReporting;
      return complete || (samples !== undefined && stablePolls >= 4) ? { samples, sessions } : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 2000, what: 'Prometheus to hold every sample the simulation recorded' },
  );
}

function describeSuspects(report: TriageReport): string {
  return `${report.summary}\nsuspects: ${JSON.stringify(
    report.suspects.map((s) => ({
      version: s.version,
      stage: s.stage,
      os: s.os,
      lift: s.lift,
      sessions: s.sessions,
    })),
  )}`;
}

function matches(suspect: Suspect, culprit: Culprit): boolean {
  return (
    suspect.version === culprit.version &&
    (culprit.stage === undefined || suspect.stage === culprit.stage) &&
    (culprit.os === undefined || suspect.os === culprit.os)
  );
}

describe('scenarios through the real pipeline', () => {
  it.each(listBuiltInScenarios())(
    '%s: the triage names the declared culprit (nothing for the control)',
    async (name) => {
      const scenario = loadScenario(name);
      stack = await startStack({ quiet: true, prometheusIntervalSeconds: 2, gatewayConfig: GATEWAY_CONFIG });
      const result = await runSimulation({
        scenario,
        endpoint: stack.gatewayUrl,
        tokenFor: stack.mintToken,
        telemetryFactory: await loadWatchdogTelemetryFactory(),
        ...CI_RUN,
      });
      // The simulated fleet really ran, and every export reached the gateway.
      expect(result.sessionsReporting).toBeGreaterThan(CI_RUN.sessions);
      expect(result.exportsFailed + result.flushFailures).toBe(0);
      expect(result.rejectedDataPoints).toBe(0);
      if (scenario.expect.culprit) expect(result.faultSessions).toBeGreaterThan(0);
      else expect(result.faultSessions).toBe(0);

      // Exactly once: Prometheus counts every recorded sample and every session, no more, no less.
      const stored = await waitForPrometheus(stack, result);
      expect(stored).toEqual({ samples: result.samples, sessions: result.sessionsReporting });

      const report = await runTriage({ prometheusUrl: stack.prometheusUrl, range: '10m', threshold: 0.3 });
      const culprit = scenario.expect.culprit;
      if (culprit === null) {
        expect(report.suspects, describeSuspects(report)).toEqual([]);
        return;
      }
      const top = report.suspects[0];
      expect(top, describeSuspects(report)).toBeDefined();
      expect(matches(top as Suspect, culprit), describeSuspects(report)).toBe(true);
      // No other version is blamed.
      expect(
        report.suspects.filter((suspect) => suspect.version !== culprit.version),
        describeSuspects(report),
      ).toEqual([]);
    },
  );
});
