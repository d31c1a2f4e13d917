// Measures, in-process and without Prometheus or a gateway, what issue #18 asks to see: the over-rate
// of healthy fleets against session length, and the per-version bias of over-rates during a rollout,
// for the OLD definition (samples above T accumulated over a whole session; sessions that crossed T
// in a range over sessions first seen in it) and the NEW one (session windows with an episode,
// src/model/episodes.ts). Samples and points come from the simulator's own session machine.
//
//   npm run model:figures -- [--fleets 200] [--sessions 200] [--installs 60] [--seed 1] [--parts healthy,rollout]
import { parseArgs } from 'node:util';
import { sessionWindows } from '../src/model/index.js';
import { IntervalPoints, truthPoint, type TruthPoint } from '../src/simulator/session-points.js';
import {
  createRandom,
  drawInstall,
  drawVersion,
  parseScenario,
  SimulatedSession,
  type Random,
  type Scenario,
} from '../src/simulator/index.js';

/** Seconds between a session's exports (the simulator's default `run.interval`). */
export const INTERVAL_SECONDS = 10;
/** Session window (DESIGN §6 default `windowSeconds`). */
export const WINDOW_SECONDS = 600;
/** Samples above T that make an OLD "over" session, and a NEW episode (`episodeMinSamples`). */
export const MIN_SAMPLES = 5;
/** Threshold index of T = 0.3 in the default thresholds [0.3, 0.8]. */
const T03 = 0;
/** Unix second every simulated fleet starts at (a window boundary). */
const EPOCH = 1_800_000_000 - (1_800_000_000 % WINDOW_SECONDS);
const NS = 1_000_000_000n;

export const SHORT_SPIKES = { spikeProbability: 0.001, spikeSamples: [1, 4] };
/** Short spikes plus 5–30 s bursts starting with 0.08% chance per sample (about 3 an hour). */
export const WITH_BURSTS = { ...SHORT_SPIKES, bursts: { probability: 0.0008, samples: [5, 30] } };

/** A scenario from a partial document (the fields a figure needs; everything else default). */
export function scenarioOf(document: Record<string, unknown>): Scenario {
  return parseScenario(JSON.stringify({ name: 'figures', expect: { culprits: [] }, ...document }));
}

/** What one session did, reduced to what both definitions need. */
export interface SessionRecord {
  version: string;
  points: TruthPoint[];
  firstSec: number;
  lastSec: number;
  /** End of the point that took the accumulated samples above T to MIN_SAMPLES (OLD), if any. */
  crossSec: number | undefined;
  /** Windows the session was active in → whether it had an episode at T = 0.3 there (NEW). */
  windows: Map<number, boolean>;
}

/** Runs one session from `startSec` until it ends or `stopSec`, exporting every INTERVAL_SECONDS. */
export function runSession(session: SimulatedSession, startSec: number, stopSec = Infinity): SessionRecord {
  const points: TruthPoint[] = [];
  const interval = new IntervalPoints([0.3, 0.8]);
  let intervalStart = startSec;
  let second = startSec;
  const close = () => {
    for (const p of interval.close(BigInt(intervalStart) * NS, BigInt(second) * NS))
      points.push(truthPoint(p));
    intervalStart = second;
  };
  for (;;) {
    const sample = second < stopSec ? session.nextSample() : undefined;
    if (sample === undefined) break;
    interval.add(sample);
    second += 1;
    if (second - intervalStart >= INTERVAL_SECONDS) close();
  }
  if (!interval.isEmpty) close();
  let above = 0;
  let crossSec: number | undefined;
  for (const p of points) {
    above += p.above[T03] ?? 0;
    if (crossSec === undefined && above >= MIN_SAMPLES) crossSec = Number(p.timeUnixNano / NS);
  }
  const windows = new Map<number, boolean>();
  for (const [window, streams] of sessionWindows(points, 2, {
    episodeMinSamples: MIN_SAMPLES,
    windowNanos: BigInt(WINDOW_SECONDS) * NS,
  })) {
    windows.set(
      window,
      [...streams.values()].some((high) => high[T03]),
    );
  }
  return {
    version: session.identity.appVersion,
    points,
    firstSec: points.length > 0 ? Number(points[0]!.startTimeUnixNano / NS) : startSec,
    lastSec: second,
    crossSec,
    windows,
  };
}

/** OLD fleet over-rate: sessions with >= MIN_SAMPLES samples above T anywhere / sessions. */
export function oldOverRate(sessions: readonly SessionRecord[]): number {
  return sessions.filter((s) => s.crossSec !== undefined).length / sessions.length;
}

/** NEW fleet over-rate: session windows with an episode / session windows. */
export function newOverRate(sessions: readonly SessionRecord[]): number {
  let active = 0;
  let high = 0;
  for (const s of sessions)
    for (const isHigh of s.windows.values()) {
      active += 1;
      if (isHigh) high += 1;
    }
  return active === 0 ? 0 : high / active;
}

/** A healthy fleet of `count` sessions of `lengthSec`, each starting at a random second of a window. */
export function healthyFleet(
  scenario: Scenario,
  count: number,
  lengthSec: number,
  random: Random,
): SessionRecord[] {
  const sessions: SessionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const install = drawInstall(scenario, random);
    const session = new SimulatedSession(scenario, install, random, '7.0.0', lengthSec);
    sessions.push(runSession(session, EPOCH + random.integer(0, WINDOW_SECONDS - 1)));
  }
  return sessions;
}

export const ROLLOUT_PERIOD_SEC = 12 * 3600;
export const ROLLOUT_SCENARIO = {
  fleet: {
    versions: [
      { value: '6.5.0', weight: 1 },
      { value: '7.0.0', weight: 2 },
      { value: '7.1.0', rollout: { from: 0, to: 0.7 } },
    ],
    os: [
      { value: 'windows', weight: 5 },
      { value: 'darwin', weight: 3 },
      { value: 'linux', weight: 2 },
    ],
  },
  sessionLength: { min: '1h', max: '8h' },
  noise: SHORT_SPIKES,
  faults: [
    {
      name: 'sync-hotter',
      match: { version: '7.1.0', stage: 'syncing' },
      probability: 0.35,
      cpu: [0.4, 0.7],
    },
  ],
};

/** A rollout fleet: `installs` installs running sessions back to back through ROLLOUT_PERIOD_SEC. */
export function rolloutFleet(scenario: Scenario, installs: number, random: Random): SessionRecord[] {
  const sessions: SessionRecord[] = [];
  const end = EPOCH + ROLLOUT_PERIOD_SEC;
  for (let i = 0; i < installs; i++) {
    const install = drawInstall(scenario, random);
    let at = EPOCH + random.integer(0, WINDOW_SECONDS - 1);
    while (at < end) {
      const version = drawVersion(scenario.fleet.versions, (at - EPOCH) / ROLLOUT_PERIOD_SEC, random);
      const lengthSec = Math.round(random.uniform(3600, 8 * 3600));
      const record = runSession(new SimulatedSession(scenario, install, random, version, lengthSec), at, end);
      sessions.push(record);
      at = record.lastSec + random.integer(1, 60);
    }
  }
  return sessions;
}

export interface VersionRates {
  estimate: number;
  truth: number;
}

/**
 * Per version, for the range (end - rangeSec, end]: OLD = sessions that crossed T in the range /
 * sessions first seen in it, against the share of the version's sessions active in the range that
 * are over by its end; NEW = high / active windows closed in the range, against the share of the
 * version's session windows inside the range that had an episode.
 */
export function rangeRates(
  sessions: readonly SessionRecord[],
  end: number,
  rangeSec: number,
): { old: Map<string, VersionRates>; new: Map<string, VersionRates> } {
  const from = end - rangeSec;
  const count = new Map<
    string,
    { crossed: number; firstSeen: number; active: number; over: number; wa: number; wh: number }
  >();
  for (const s of sessions) {
    let c = count.get(s.version);
    if (!c) count.set(s.version, (c = { crossed: 0, firstSeen: 0, active: 0, over: 0, wa: 0, wh: 0 }));
    if (s.crossSec !== undefined && s.crossSec > from && s.crossSec <= end) c.crossed += 1;
    if (s.firstSec >= from && s.firstSec < end) c.firstSeen += 1;
    if (s.lastSec > from && s.firstSec < end) {
      c.active += 1;
      if (s.crossSec !== undefined && s.crossSec <= end) c.over += 1;
    }
    for (const [window, high] of s.windows) {
      // A window is counted when it closes, at its end: closed in the range = ends in it.
      const windowEnd = (window + 1) * WINDOW_SECONDS;
      if (windowEnd <= from || windowEnd > end) continue;
      c.wa += 1;
      if (high) c.wh += 1;
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);
  const old = new Map<string, VersionRates>();
  const fresh = new Map<string, VersionRates>();
  for (const [version, c] of count) {
    old.set(version, { estimate: ratio(c.crossed, c.firstSeen), truth: ratio(c.over, c.active) });
    const truth = windowTruth(sessions, version, from, end);
    fresh.set(version, { estimate: ratio(c.wh, c.wa), truth });
  }
  return { old, new: fresh };
}

/** The version's share of session windows lying inside [from, end) with an episode, from the points. */
function windowTruth(sessions: readonly SessionRecord[], version: string, from: number, end: number): number {
  let active = 0;
  let high = 0;
  for (const s of sessions) {
    if (s.version !== version) continue;
    const inside = s.points.filter((p) => {
      const start = Number(p.startTimeUnixNano / NS);
      return p.samples > 0 && start >= from && start < end;
    });
    const windows = sessionWindows(s.points, 2, {
      episodeMinSamples: MIN_SAMPLES,
      windowNanos: BigInt(WINDOW_SECONDS) * NS,
    });
    const seen = new Set(inside.map((p) => Math.floor(Number(p.startTimeUnixNano / NS) / WINDOW_SECONDS)));
    for (const window of seen) {
      active += 1;
      if ([...windows.get(window)!.values()].some((h) => h[T03])) high += 1;
    }
  }
  return active === 0 ? NaN : high / active;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const pts = (v: number) => (100 * v).toFixed(1);

function main(): void {
  const { values } = parseArgs({
    options: {
      fleets: { type: 'string', default: '200' },
      sessions: { type: 'string', default: '200' },
      installs: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      parts: { type: 'string', default: 'healthy,rollout' },
    },
  });
  const fleets = Number(values.fleets);
  const perFleet = Number(values.sessions);
  const installs = Number(values.installs);
  const root = createRandom(Number(values.seed));
  const started = Date.now();
  const parts = new Set(values.parts.split(','));
  console.log(`# model figures: ${fleets} fleets per cell, seed ${values.seed}`);
  if (parts.has('healthy')) healthyTable(fleets, perFleet, root);
  if (parts.has('rollout')) rolloutTable(fleets, installs, root);
  console.log(`\nrun time ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function healthyTable(fleets: number, perFleet: number, root: Random): void {
  console.log(
    `\nHealthy fleet over-rate at T = 0.3 (${perFleet} sessions per fleet): median / p95 over fleets`,
  );
  console.log('| noise | session length | OLD (sessions over) | NEW (windows with an episode) |');
  console.log('|---|---|---|---|');
  const lengths: Array<[string, number]> = [
    ['10 min', 600],
    ['1 h', 3600],
    ['4 h', 4 * 3600],
    ['8 h', 8 * 3600],
  ];
  for (const [noiseName, noise] of [
    ['short spikes', SHORT_SPIKES],
    ['spikes + 5–30 s bursts', WITH_BURSTS],
  ] as const) {
    const scenario = scenarioOf({
      fleet: { versions: [{ value: '7.0.0', weight: 1 }], os: [{ value: 'windows', weight: 1 }] },
      noise,
    });
    for (const [lengthName, lengthSec] of lengths) {
      const olds: number[] = [];
      const news: number[] = [];
      for (let f = 0; f < fleets; f++) {
        const fleet = healthyFleet(scenario, perFleet, lengthSec, root.fork(f + 1000 * lengthSec));
        olds.push(oldOverRate(fleet));
        news.push(newOverRate(fleet));
      }
      console.log(
        `| ${noiseName} | ${lengthName} | ${pct(quantile(olds, 0.5))} / ${pct(quantile(olds, 0.95))} | ${pct(quantile(news, 0.5))} / ${pct(quantile(news, 0.95))} |`,
      );
    }
  }
}

function rolloutTable(fleets: number, installs: number, root: Random): void {
  const scenario = scenarioOf(ROLLOUT_SCENARIO);
  const fleetsOf = Array.from({ length: fleets }, (_, f) =>
    rolloutFleet(scenario, installs, root.fork(7_000_000 + f)),
  );
  console.log(
    `\nRollout: 7.1.0 goes 0% → 70% of new sessions over 12 h, hotter while syncing; sessions 1–8 h; ${installs} installs per fleet`,
  );
  console.log('| range | model | version | abs. bias median / p95 / max (points) | largest over-rate |');
  console.log('|---|---|---|---|---|');
  for (const [rangeName, rangeSec] of [
    ['last 1 h', 3600],
    ['last 6 h', 6 * 3600],
  ] as const) {
    const rates = fleetsOf.map((fleet) => rangeRates(fleet, EPOCH + ROLLOUT_PERIOD_SEC, rangeSec));
    for (const model of ['old', 'new'] as const) {
      for (const version of ['6.5.0', '7.0.0', '7.1.0']) {
        const cells = rates
          .map((r) => r[model].get(version))
          .filter((c): c is VersionRates => c !== undefined);
        const bias = cells.map((c) => Math.abs(c.estimate - c.truth)).filter((b) => !Number.isNaN(b));
        const largest = Math.max(...cells.map((c) => c.estimate).filter((v) => !Number.isNaN(v)));
        console.log(
          `| ${rangeName} | ${model.toUpperCase()} | ${version} | ${pts(quantile(bias, 0.5))} / ${pts(quantile(bias, 0.95))} / ${pts(Math.max(...bias))} | ${pct(largest)} |`,
        );
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
