import { describe, expect, it } from 'vitest';
import { runSimulation, type SimulationProgress } from '../../../src/simulator/fleet-runner.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import type { SessionTelemetry, TelemetryOptions } from '../../../src/simulator/telemetry.js';

// Short sessions so that sessions end and restart within a sub-second unit test.
const scenario = parseScenario(`
name: runner
fleet:
  versions: [{ value: '1.0.0', weight: 1 }, { value: '2.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
stages:
  starting: { duration: [1, 2], next: { login: 1 } }
  login: { duration: [2, 4], next: { shutdown: 1 } }
  shutdown: { duration: [1, 1], next: {} }
faults:
  - { name: hot-login, match: { version: '2.0.0', stage: login }, probability: 1, cpu: [0.9, 1] }
expect: { culprits: [{ version: '2.0.0', stage: login }] }
`);

class RecordingTelemetry implements SessionTelemetry {
  samples: Array<{ utilization: number; stage: string }> = [];
  shutdowns = 0;
  constructor(
    readonly options: TelemetryOptions,
    private readonly failShutdown: boolean,
  ) {}
  recordCpu(utilization: number, stage: string): void {
    if (this.shutdowns > 0) throw new Error('recorded after shutdown');
    this.samples.push({ utilization, stage });
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {
    this.shutdowns += 1;
    if (this.failShutdown) throw new Error('export refused');
  }
  async stats() {
    return {
      sender: { delivered: 2, deadLettered: 0, retries: 1, rejectedDataPoints: 0, lastError: undefined },
      spool: { backlogEntries: 0 },
    };
  }
}

function fakeFleet(failShutdown = false) {
  const created: RecordingTelemetry[] = [];
  return {
    created,
    factory: (options: TelemetryOptions) => {
      const telemetry = new RecordingTelemetry(options, failShutdown);
      created.push(telemetry);
      return telemetry;
    },
  };
}

describe('runSimulation', () => {
  it('records K samples per session per second through the telemetry and shuts every session down', async () => {
    const fleet = fakeFleet();
    const progress: SimulationProgress[] = [];
    const startedMs = Date.now();
    const result = await runSimulation({
      scenario,
      endpoint: 'http://gateway.invalid',
      tokenFor: (installId) => `token-for-${installId}`,
      telemetryFactory: fleet.factory,
      sessions: 5,
      durationMs: 600,
      timeCompression: 50,
      exportIntervalMs: 100,
      tickMs: 20,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });

    const wallSeconds = (Date.now() - startedMs) / 1000;
    const recorded = fleet.created.reduce((sum, t) => sum + t.samples.length, 0);
    expect(result.samples).toBe(recorded);
    // The rate is K samples per session per real second: never more than K × wall time, and the run
    // lasts at least its duration (sessions start staggered over one export interval).
    expect(recorded).toBeLessThanOrEqual(5 * 50 * wallSeconds);
    expect(recorded).toBeGreaterThanOrEqual(5 * Math.floor(50 * (0.6 - 0.1)) - 5);
    // Sessions last 4..7 samples here, so installs start new sessions within the run.
    expect(result.sessionsStarted).toBe(fleet.created.length);
    expect(result.sessionsReporting).toBe(fleet.created.filter((t) => t.samples.length > 0).length);
    expect(result.sessionsFinished).toBeGreaterThan(0);
    expect(result.sessionsStarted).toBe(result.sessionsFinished + 5);
    for (const telemetry of fleet.created) {
      expect(telemetry.shutdowns).toBe(1);
      expect(telemetry.options.token).toBe(`token-for-${telemetry.options.identity.installId}`);
      expect(telemetry.options.exportIntervalMs).toBe(100);
    }
    // A new session of the same install keeps the machine (OS, arch, cores) but gets a new session id;
    // its version is drawn per session (an install upgrades during a rollout).
    const byInstall = new Map<string, RecordingTelemetry[]>();
    for (const t of fleet.created) {
      const id = t.options.identity.installId;
      byInstall.set(id, [...(byInstall.get(id) ?? []), t]);
    }
    expect(byInstall.size).toBe(5);
    for (const group of byInstall.values()) {
      expect(new Set(group.map((t) => t.options.identity.osType)).size).toBe(1);
      expect(new Set(group.map((t) => t.options.identity.cpuLogicalCount)).size).toBe(1);
      expect(new Set(group.map((t) => t.options.identity.sessionId)).size).toBe(group.length);
    }
    // Faults: every 2.0.0 session is faulty in login, and only those.
    const faulty = fleet.created.filter((t) => t.options.identity.appVersion === '2.0.0');
    expect(result.faultSessions).toBe(faulty.length);
    expect(result.faultSessionsByFault).toEqual({ 'hot-login': faulty.length });
    for (const telemetry of fleet.created) {
      const hot = telemetry.options.identity.appVersion === '2.0.0';
      for (const s of telemetry.samples.filter((s) => s.stage === 'login'))
        expect(s.utilization >= 0.9).toBe(hot);
    }
    expect(result.flushFailures).toBe(0);
    // Delivery accounting is summed from every session's telemetry stats.
    expect(result.exportsDelivered).toBe(2 * fleet.created.length);
    expect(result.exportRetries).toBe(fleet.created.length);
    expect(result.exportsFailed).toBe(0);
    expect(result.aborted).toBe(false);
    expect(result.expectedCulprits).toEqual([{ version: '2.0.0', stage: 'login', allowMoreSpecific: false }]);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)?.samples).toBe(result.samples);
  });

  it('counts failed flushes instead of throwing', async () => {
    const fleet = fakeFleet(true);
    const result = await runSimulation({
      scenario,
      endpoint: 'http://gateway.invalid',
      tokenFor: () => 't',
      telemetryFactory: fleet.factory,
      sessions: 2,
      durationMs: 200,
      timeCompression: 10,
      exportIntervalMs: 50,
      tickMs: 20,
    });
    expect(result.flushFailures).toBe(result.sessionsStarted);
    expect(result.lastFlushError).toBe('export refused');
  });

  it('stops early on abort and still flushes every session', async () => {
    const fleet = fakeFleet();
    const abort = new AbortController();
    const run = runSimulation({
      scenario,
      endpoint: 'http://gateway.invalid',
      tokenFor: () => 't',
      telemetryFactory: fleet.factory,
      sessions: 3,
      durationMs: 60_000,
      timeCompression: 10,
      exportIntervalMs: 50,
      tickMs: 20,
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 100);
    const result = await run;
    expect(result.aborted).toBe(true);
    expect(fleet.created.every((t) => t.shutdowns === 1)).toBe(true);
  });

  it('produces the same fleet for the same seed', async () => {
    const identities = async () => {
      const fleet = fakeFleet();
      await runSimulation({
        scenario,
        endpoint: 'x',
        tokenFor: () => 't',
        telemetryFactory: fleet.factory,
        sessions: 4,
        durationMs: 50,
        timeCompression: 1,
        exportIntervalMs: 10,
        tickMs: 5,
        seed: 1234,
      });
      return fleet.created.slice(0, 4).map((t) => t.options.identity);
    };
    expect(await identities()).toEqual(await identities());
  });
});
