import fc from 'fast-check';
import { bucketLabel } from '../../../../src/model/index.js';
import type { SessionLabels, SessionPoint } from '../../../../src/gateway/state/index.js';

// Random watchdog sessions for the session-window property test: per-second CPU samples of a
// session's streams, packaged into DELTA export intervals the way the watchdog's SDK does (per
// interval one point per stream present), sent as request batches with retries, repeats and replays.

export const THRESHOLDS = [0.3, 0.8];
export const WINDOW_MS = 60_000;
export const GRACE_MS = 120_000;
export const DETAIL = { attribute: 'fileNameLength', label: 'file_name_length', bounds: [20, 42, 80] };
/** Base of all timestamps (s): not a multiple of the window, so sessions straddle windows anywhere. */
const BASE_S = 1_764_000_013;
/** A gap this long (s) ends a request batch: the watchdog was asleep, its spool flushed before. */
const LONG_GAP_S = 100;

/** The streams a session may visit: two raw stages map to the bounded `upload`. */
const STREAMS: ReadonlyArray<{ raw: string; stage: string; length?: number }> = [
  { raw: 'idle', stage: 'idle' },
  { raw: 'upload', stage: 'upload', length: 10 },
  { raw: 'upload', stage: 'upload', length: 30 },
  { raw: 'upload', stage: 'upload', length: 100 },
  { raw: 'Upload', stage: 'upload', length: 10 },
  { raw: 'scan', stage: 'scan' },
  { raw: 'scan', stage: 'scan', length: 50 },
];

/** CPU of one sample at second `s` by level: low, middle, high, and high every other second. */
const cpuAt = (level: number, s: number): number => [0.1, 0.5, 0.9, s % 2 ? 0.9 : 0.1][level]!;

export interface SessionSpec {
  startS: number;
  segments: Array<{ stream: number; level: number; seconds: number }>;
  cuts: Array<{ length: number; gap: number }>;
  finalZeroWidth: boolean;
  /** Seeds the secondary choices: batching, delays, retries, replays, order within a request. */
  seed: number;
}

export const sessionSpec: fc.Arbitrary<SessionSpec> = fc.record({
  startS: fc.integer({ min: 0, max: 119 }),
  segments: fc.array(
    fc.record({
      stream: fc.integer({ min: 0, max: STREAMS.length - 1 }),
      level: fc.integer({ min: 0, max: 3 }),
      seconds: fc.integer({ min: 1, max: 25 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
  cuts: fc.array(
    fc.record({
      length: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 10 }) },
      ),
      gap: fc.oneof(
        { weight: 12, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 20 }) },
        { weight: 1, arbitrary: fc.integer({ min: LONG_GAP_S, max: 300 }) },
      ),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  finalZeroWidth: fc.boolean(),
  seed: fc.integer(),
});

/** One request's points of one session, delivered at `atMs`. */
export interface Delivery {
  atMs: number;
  sessionKey: string;
  labels: SessionLabels;
  points: SessionPoint[];
  /** A retry sent while the original may still be in flight (another replica may take it). */
  concurrent: boolean;
}

export interface SimulatedSession {
  sessionKey: string;
  /** The labels of its first request: fixed for the session. */
  labels: SessionLabels;
  /** Every point it produced, once. */
  points: SessionPoint[];
  deliveries: Delivery[];
  /** Some point's first delivery comes after its window's end + grace (the run is discarded). */
  lateRisk: boolean;
}

/** A small deterministic PRNG (mulberry32) for the secondary choices. */
export function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** One export interval's points; afterLongGap: the watchdog slept before it. */
interface Interval {
  end: number;
  points: SessionPoint[];
  afterLongGap: boolean;
  zeroWidth: boolean;
}

export function simulateSession(index: number, spec: SessionSpec): SimulatedSession {
  const rng = prng(spec.seed);
  const samples: Array<{ s: number; stream: number; cpu: number }> = [];
  let s = BASE_S + spec.startS;
  for (const seg of spec.segments) {
    for (let k = 0; k < seg.seconds; k++, s++)
      samples.push({ s, stream: seg.stream, cpu: cpuAt(seg.level, s) });
  }
  const lastS = s;
  const intervals: Interval[] = [];
  let t = BASE_S + spec.startS;
  let previousStream = samples[0]!.stream;
  let afterLongGap = false;
  for (let c = 0; t < lastS; c++) {
    const cut = spec.cuts[c] ?? { length: 10, gap: 0 };
    const inside = samples.filter((x) => x.s >= t && x.s < t + cut.length);
    const repeatsZeroWidth = cut.length === 0 && intervals.at(-1)?.end === t && intervals.at(-1)!.zeroWidth;
    const points = repeatsZeroWidth
      ? []
      : cut.length === 0
        ? [zeroWidthPoint(t, previousStream, rng)]
        : [...new Set(inside.map((x) => x.stream))].map((stream) =>
            point(
              t,
              t + cut.length,
              stream,
              inside.filter((x) => x.stream === stream).map((x) => x.cpu),
            ),
          );
    if (inside.length > 0) previousStream = inside.at(-1)!.stream;
    intervals.push({ end: t + cut.length, points, afterLongGap, zeroWidth: cut.length === 0 });
    afterLongGap = cut.gap >= LONG_GAP_S;
    t += cut.length + cut.gap;
  }
  if (spec.finalZeroWidth && !(intervals.at(-1)?.end === t && intervals.at(-1)!.zeroWidth)) {
    intervals.push({
      end: t,
      points: [zeroWidthPoint(t, previousStream, rng)],
      afterLongGap,
      zeroWidth: true,
    });
  }
  return deliver(index, intervals, rng);
}

function deliver(
  index: number,
  intervals: readonly Interval[],
  rng: (n: number) => number,
): SimulatedSession {
  const sessionKey = `install-${index}/session`;
  const labels = { version: `v${index}`, os: 'windows', cpuCores: '5-8' };
  const later = { version: `v${index}-later`, os: 'linux', cpuCores: '>16' };
  const batches: Array<{ points: SessionPoint[]; end: number }> = [];
  for (const [i, interval] of intervals.entries()) {
    const open = batches.at(-1);
    if (open && !interval.afterLongGap && i > 0 && rng(3) > 0 && open.points.length < 12) {
      open.points.push(...interval.points);
      open.end = interval.end;
    } else batches.push({ points: [...interval.points], end: interval.end });
  }
  const deliveries: Delivery[] = [];
  const firstDelivery = new Map<SessionPoint, number>();
  let sentMs = 0;
  for (const [b, batch] of batches.entries()) {
    sentMs = Math.max(sentMs, batch.end * 1000) + rng(5000);
    const points = shuffled(batch.points, rng);
    if (points.length > 0 && rng(4) === 0) points.push(points[rng(points.length)]!); // a repeat
    for (const p of points) if (!firstDelivery.has(p)) firstDelivery.set(p, sentMs);
    const proposed = b === 0 ? labels : later;
    deliveries.push({ atMs: sentMs, sessionKey, labels: proposed, points, concurrent: false });
    for (let r = rng(4) === 0 ? 1 + rng(2) : 0; r > 0; r--) {
      const concurrent = rng(2) === 0;
      const atMs = concurrent ? sentMs : sentMs + rng(5000);
      deliveries.push({ atMs, sessionKey, labels: proposed, points: shuffled(points, rng), concurrent });
    }
  }
  for (let r = rng(3); r > 0 && batches.length > 1; r--) {
    const replayed = batches[rng(batches.length - 1)]!;
    deliveries.push({
      atMs: sentMs + rng(600_000),
      sessionKey,
      labels: later,
      points: shuffled(replayed.points, rng),
      concurrent: false,
    });
  }
  const lateRisk = [...firstDelivery].some(
    ([p, atMs]) =>
      atMs > (Number(p.startTimeUnixNano / 1_000_000n / BigInt(WINDOW_MS)) + 1) * WINDOW_MS + GRACE_MS,
  );
  return { sessionKey, labels, points: batches.flatMap((b) => b.points), deliveries, lateRisk };
}

function point(start: number, end: number, stream: number, cpus: readonly number[]): SessionPoint {
  const { raw, stage, length } = STREAMS[stream]!;
  const bucket = length === undefined ? undefined : bucketLabel(length, DETAIL.bounds);
  return {
    stream: length === undefined ? raw : `${raw}|${DETAIL.attribute}=${length}`,
    stage,
    details: bucket === undefined ? [] : [{ detail: DETAIL.label, bucket }],
    startTimeUnixNano: BigInt(start) * 1_000_000_000n,
    timeUnixNano: BigInt(end) * 1_000_000_000n,
    samples: cpus.length,
    above: THRESHOLDS.map((T) => cpus.filter((cpu) => cpu > T).length),
  };
}

/** The point of a zero-width interval at `t`: up to two samples taken at that instant (or none). */
function zeroWidthPoint(t: number, stream: number, rng: (n: number) => number): SessionPoint {
  const cpus = Array.from({ length: rng(3) }, () => cpuAt(rng(3), t));
  return point(t, t, stream, cpus);
}

function shuffled<T>(items: readonly T[], rng: (n: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
