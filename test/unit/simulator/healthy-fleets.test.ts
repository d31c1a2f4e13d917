// Issue #18's statistical claims over many random fleets, in-process: the simulator's session machine
// produces the samples, its IntervalPoints the exported points and its TruthCounter the window counts
// of src/model/episodes.ts. (1) Healthy fleets with short spikes read a fleet over-rate below 2% at
// T = 0.3 whatever their session lengths; (2) with longer bursts the counts equal the definition
// recomputed here by an independent incremental scan, and no cell exceeds 100%; (3) during random
// rollouts, per-version over-rates over whole windows equal the truth exactly.
import { describe, expect, it } from 'vitest';
import { sessionWindows } from '../../../src/model/index.js';
import {
  createRandom,
  drawInstall,
  drawVersion,
  parseScenario,
  SimulatedSession,
  TruthCounter,
  truthTotals,
  type Random,
  type Scenario,
} from '../../../src/simulator/index.js';
import { IntervalPoints, truthPoint, type TruthPoint } from '../../../src/simulator/session-points.js';

const INTERVAL = 10;
const WINDOW = 600;
const MIN_SAMPLES = 5;
const EPOCH = 1_800_000_000 - (1_800_000_000 % WINDOW);
const NS = 1_000_000_000n;
const STAGES = ['login', 'idle', 'indexing', 'sending', 'receiving', 'syncing'] as const;

/** A random fleet mix: 1–4 versions with random weights, a random OS mix. */
function randomFleet(random: Random, rollout = false): Record<string, unknown> {
  const versions: Array<Record<string, unknown>> = Array.from({ length: random.integer(1, 4) }, (_, i) => ({
    value: `7.${i}.0`,
    weight: random.uniform(0.1, 5),
  }));
  if (rollout) {
    const to = random.uniform(0.2, 0.9);
    versions.push({ value: '8.0.0', rollout: { from: random.uniform(0, 0.1), to } });
  }
  const os = ['windows', 'darwin', 'linux']
    .filter(() => random.chance(0.7))
    .map((value) => ({ value, weight: random.uniform(0.1, 5) }));
  return { versions, os: os.length > 0 ? os : [{ value: 'windows', weight: 1 }] };
}

function scenarioOf(document: Record<string, unknown>): Scenario {
  return parseScenario(JSON.stringify({ name: 'random-fleet', expect: { culprits: [] }, ...document }));
}

/** The points one session exports every INTERVAL seconds from `startSec` until it ends or `stopSec`. */
function sessionPoints(session: SimulatedSession, startSec: number, stopSec = Infinity): TruthPoint[] {
  const points: TruthPoint[] = [];
  const interval = new IntervalPoints([0.3, 0.8]);
  let from = startSec;
  let second = startSec;
  const close = () => {
    for (const p of interval.close(BigInt(from) * NS, BigInt(second) * NS)) points.push(truthPoint(p));
    from = second;
  };
  for (;;) {
    const sample = second < stopSec ? session.nextSample() : undefined;
    if (sample === undefined) break;
    interval.add(sample);
    second += 1;
    if (second - from >= INTERVAL) close();
  }
  if (!interval.isEmpty) close();
  return points;
}

/**
 * The documented definition at threshold index t, written independently of src/model: scan the
 * points in time order keeping, per stream, the samples above T of its current run of hot points
 * (a point continues the run when it starts where the stream's previous point ended); a window is
 * high when a hot point starting in it leaves its run at >= MIN_SAMPLES.
 */
function windowsByScan(points: readonly TruthPoint[], t: number): Map<number, boolean> {
  const ordered = [...points].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
  const run = new Map<string, { end: bigint; total: number }>();
  const windows = new Map<number, boolean>();
  for (const p of ordered) {
    if (p.samples === 0) continue;
    const window = Math.floor(Number(p.startTimeUnixNano / NS) / WINDOW);
    const above = p.above[t] ?? 0;
    const hot = above > 0 && 2 * above >= p.samples;
    const previous = run.get(p.stream);
    const total = !hot
      ? 0
      : previous && previous.end === p.startTimeUnixNano
        ? previous.total + above
        : above;
    // A cold point ends the run (total 0): the stream's next hot point starts a new one.
    run.set(p.stream, { end: p.timeUnixNano, total });
    windows.set(window, (windows.get(window) ?? false) || total >= MIN_SAMPLES);
  }
  return windows;
}

interface FleetCounts {
  truth: TruthCounter;
  /** Session windows, and those with an episode at 0.3, by the independent scan (when asked for). */
  scanActive: number;
  scanHigh: number;
}

/**
 * A healthy fleet: sessions with lengths log-uniform in [10 min, 8 h] until it has at least `windows`
 * session windows. `scan` also recomputes every window with the independent scan.
 */
function healthyFleet(
  seed: number,
  noise: Record<string, unknown>,
  windows: number,
  scan: boolean,
): FleetCounts {
  const random = createRandom(seed);
  const scenario = scenarioOf({ fleet: randomFleet(random), noise });
  const truth = new TruthCounter(scenario.model, WINDOW);
  let seen = 0;
  let scanActive = 0;
  let scanHigh = 0;
  while (seen < windows) {
    const install = drawInstall(scenario, random);
    const version = drawVersion(scenario.fleet.versions, 0, random);
    const lengthSec = Math.round(600 * Math.pow(48, random.next()));
    const session = new SimulatedSession(scenario, install, random, version, lengthSec);
    const points = sessionPoints(session, EPOCH + random.integer(0, 3 * 3600));
    truth.addSession(session.identity, points);
    seen += new Set(points.map((p) => Math.floor(Number(p.startTimeUnixNano / NS) / WINDOW))).size;
    if (!scan) continue;
    for (const high of windowsByScan(points, 0).values()) {
      scanActive += 1;
      if (high) scanHigh += 1;
    }
  }
  return { truth, scanActive, scanHigh };
}

describe('healthy fleets over many random seeds (issue #18)', () => {
  // A fleet of more than 50 windows reads below 2% with one episode; with about one episode per
  // thousand windows, two in one fleet are rare but possible, hence "at least 99% of fleets".
  it(
    'short spikes: the fleet over-rate at 0.3 stays below 2% whatever the session lengths',
    { timeout: 90_000 },
    () => {
      const rates: number[] = [];
      for (let fleet = 0; fleet < 200; fleet++) {
        const { truth } = healthyFleet(
          1000 + fleet,
          { spikeProbability: 0.001, spikeSamples: [1, 4] },
          51,
          false,
        );
        const { active, high } = truthTotals(truth.result().session, '0.3');
        rates.push(high / active);
      }
      const below = rates.filter((rate) => rate < 0.02).length;
      const summary = `${below}/${rates.length} fleets below 2%, highest ${Math.max(...rates)}`;
      expect(below / rates.length, summary).toBeGreaterThanOrEqual(0.99);
    },
  );

  it('longer bursts: counts equal the definition recomputed independently; no cell above 100%', () => {
    const noise = {
      spikeProbability: 0.001,
      spikeSamples: [1, 4],
      bursts: { probability: 0.0003, samples: [5, 30] },
    };
    let highSeen = 0;
    for (let fleet = 0; fleet < 40; fleet++) {
      const { truth, scanActive, scanHigh } = healthyFleet(5000 + fleet, noise, 30, true);
      const result = truth.result();
      expect(truthTotals(result.session, '0.3')).toEqual({ active: scanActive, high: scanHigh });
      for (const cell of [...result.session, ...result.stage, ...result.detail])
        for (const high of Object.values(cell.high)) expect(high).toBeLessThanOrEqual(cell.active);
      highSeen += scanHigh;
    }
    expect(highSeen).toBeGreaterThan(0);
  });
});

describe('random rollouts (issue #18 c)', () => {
  it('per-version over-rates of whole windows closed in a range equal the truth exactly', () => {
    for (let fleet = 0; fleet < 20; fleet++) {
      const random = createRandom(9000 + fleet);
      const stage = STAGES[random.integer(0, STAGES.length - 1)]!;
      const scenario = scenarioOf({
        fleet: randomFleet(random, true),
        faults: [
          {
            name: 'hotter',
            match: { version: '8.0.0', stage },
            probability: random.uniform(0.1, 0.6),
            cpu: [0.4, 0.9],
          },
        ],
      });
      const periodSec = random.integer(2, 4) * 3600;
      const end = EPOCH + periodSec;
      const rangeSec = random.integer(1, periodSec / WINDOW) * WINDOW;
      // What the counters hold: each session window counted once, when it closes (at its end).
      const counted = new Map<string, { active: number; high: number }>();
      // The truth: per version, windows lying inside the range, high by the independent scan.
      const truth = new Map<string, { active: number; high: number }>();
      for (let install = 0; install < 6; install++) {
        const identity = drawInstall(scenario, random);
        let at = EPOCH + random.integer(0, WINDOW - 1);
        while (at < end) {
          const version = drawVersion(scenario.fleet.versions, (at - EPOCH) / periodSec, random);
          const session = new SimulatedSession(
            scenario,
            identity,
            random,
            version,
            random.integer(600, 3 * 3600),
          );
          const points = sessionPoints(session, at, end);
          const windows = sessionWindows(points, 2, {
            episodeMinSamples: MIN_SAMPLES,
            windowNanos: BigInt(WINDOW) * NS,
          });
          for (const [window, streams] of windows) {
            if ((window + 1) * WINDOW <= end - rangeSec || (window + 1) * WINDOW > end) continue;
            const c = counted.get(version) ?? { active: 0, high: 0 };
            counted.set(version, {
              active: c.active + 1,
              high: c.high + ([...streams.values()].some((h) => h[0]) ? 1 : 0),
            });
          }
          for (const [window, high] of windowsByScan(points, 0)) {
            if (window * WINDOW < end - rangeSec) continue;
            const c = truth.get(version) ?? { active: 0, high: 0 };
            truth.set(version, { active: c.active + 1, high: c.high + (high ? 1 : 0) });
          }
          at =
            Number((points[points.length - 1]?.timeUnixNano ?? BigInt(at + 1) * NS) / NS) +
            random.integer(1, 60);
        }
      }
      expect(counted).toEqual(truth);
    }
  });
});
