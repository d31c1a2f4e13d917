import { describe, expect, it } from 'vitest';
import { CumulativeStore } from '../../../../src/gateway/aggregation/index.js';
import { SeriesIdentities } from '../../../../src/gateway/cardinality/index.js';
import type { PreparedSession } from '../../../../src/gateway/pipeline/session-commit.js';
import {
  emptyOutcome,
  sessionContributions,
  windowContributions,
  type Contribution,
} from '../../../../src/gateway/pipeline/session-contributions.js';
import type { ClosedWindow, SessionCommitResult } from '../../../../src/gateway/state/index.js';
import type { CpuSample } from '../../../../src/gateway/validation/index.js';

const T0 = 1_764_000_000_000_000_000n;
const S = 10_000_000_000n;

type StagedSample = CpuSample & { stage: string };

function sample(n: number, stage: string, max: number | undefined, buckets: number[]): StagedSample {
  return {
    stage,
    startTimeUnixNano: T0 + BigInt(n) * S,
    timeUnixNano: T0 + BigInt(n + 1) * S,
    bucketCounts: buckets,
    count: buckets.reduce((a, b) => a + b, 0),
    sum: buckets.reduce((a, b, i) => a + b * (i + 1) * 0.05, 0),
    min: max === undefined ? undefined : 0.01 * (n + 1),
    max,
  };
}

function session(samples: StagedSample[]): PreparedSession {
  return {
    sessionId: 'a1b2c3d4-0000-4000-8000-000000000001',
    rawVersion: '7.0.0',
    version: { value: '7.0.0', bounded: undefined },
    os: { value: 'windows', bounded: undefined },
    samples,
    stages: samples.map((s) => ({ value: s.stage, bounded: undefined })),
    // Not read by sessionContributions.
    commit: { sessionKey: 'i/s', labels: { version: '7.0.0', os: 'windows', cpuCores: '3-4' }, points: [] },
  };
}

const FIXED = { version: '7.0.0', os: 'windows', cpuCores: '3-4' };

const committed = (duplicate: boolean[], labels = FIXED): SessionCommitResult => ({
  duplicate,
  labels,
  newSession: false,
  closed: [],
  latePoints: 0,
});

function aggregateOf(prepared: PreparedSession, duplicate: boolean[], oneByOne: boolean) {
  const store = new CumulativeStore();
  const sessions = oneByOne
    ? prepared.samples.map((s, i) => ({
        prepared: {
          ...prepared,
          samples: [s],
          stages: [prepared.stages[i]!],
        },
        duplicate: [duplicate[i] as boolean],
      }))
    : [{ prepared, duplicate }];
  let contributions = 0;
  let points = 0;
  for (const { prepared: p, duplicate: d } of sessions) {
    const outcome = emptyOutcome();
    sessionContributions(p, committed(d), new SeriesIdentities(), 2, outcome);
    for (const c of outcome.contributions) {
      if (c.kind !== 'histogram') continue;
      contributions++;
      points += c.points;
      store.addHistogram(c.key, c.labels, c.delta, c.exemplar, 0);
    }
  }
  // The first export announces every series at zero; the second carries the totals.
  store.markExported(store.snapshot());
  const histograms = store
    .snapshot()
    .histograms.map(({ labels, bucketCounts, count, sum, min, max, exemplar }) => ({
      labels,
      bucketCounts,
      count,
      sum,
      min,
      max,
      exemplar,
    }));
  return { histograms, contributions, points };
}

describe('sessionContributions', () => {
  it("merges a session's consecutive points of one series into one delta, exactly as adding them one by one", () => {
    const samples = [
      sample(0, 'indexing', 0.4, [1, 2, 0, 0, 0, 0, 0, 0, 1]),
      sample(1, 'indexing', 0.9, [0, 0, 3, 0, 0, 0, 0, 1, 0]),
      sample(2, 'indexing', undefined, [0, 0, 0, 0, 0, 0, 0, 0, 0]),
      sample(3, 'indexing', 0.9, [0, 1, 0, 0, 0, 0, 0, 0, 2]), // ties the max: the earlier exemplar stays
      sample(4, 'sending', 0.7, [2, 0, 0, 0, 0, 0, 0, 0, 0]),
      sample(5, 'indexing', 0.9, [0, 0, 0, 0, 0, 1, 0, 0, 0]),
      sample(6, 'indexing', 0.2, [5, 0, 0, 0, 0, 0, 0, 0, 0]), // a duplicate: left out
    ];
    const duplicate = [false, false, false, false, false, false, true];
    const prepared = session(samples);
    const before = samples.map((s) => [...s.bucketCounts]);

    const merged = aggregateOf(prepared, duplicate, false);
    const oneByOne = aggregateOf(prepared, duplicate, true);

    expect(merged.histograms).toEqual(oneByOne.histograms);
    expect(merged.histograms.find((h) => h.labels['stage'] === 'indexing')?.exemplar?.timeUnixNano).toBe(
      T0 + 2n * S,
    );
    // indexing ×4, sending, indexing: three deltas carry the six accepted points.
    expect(merged.contributions).toBe(3);
    expect(merged.points).toBe(6);
    // Merging never writes into the validated samples.
    expect(samples.map((s) => s.bucketCounts)).toEqual(before);
  });

  it("labels the histogram with the session's fixed labels, not the ones proposed now", () => {
    const prepared = {
      ...session([sample(0, 'idle', 0.1, [1, 0, 0, 0, 0, 0, 0, 0, 0])]),
      version: { value: 'other', bounded: 'versions' as const },
    };
    const outcome = emptyOutcome();
    sessionContributions(
      prepared,
      committed([false], { ...FIXED, version: '6.9.0' }),
      new SeriesIdentities(),
      2,
      outcome,
    );
    expect(outcome.contributions.map((c) => c.labels)).toEqual([
      { version: '6.9.0', stage: 'idle', os: 'windows' },
    ]);
    expect(outcome.bounded.size).toBe(0);
  });
});

describe('windowContributions', () => {
  it('adds one unit per family cell of a closed window, each costing 1 + T', () => {
    const closed: ClosedWindow = {
      window: 1,
      labels: FIXED,
      high: [true, false],
      stages: [
        { stage: 'login', high: [true, false] },
        { stage: 'idle', high: [false, false] },
      ],
      details: [{ stage: 'login', detail: 'file_name_length', bucket: '43-80', high: [true, false] }],
    };
    const into: Contribution[] = [];
    windowContributions(closed, new SeriesIdentities(), 2, into);
    expect(into.map((c) => (c.kind === 'window' ? [c.family.name, c.labels, c.high, c.cost] : []))).toEqual([
      ['session', { version: '7.0.0', os: 'windows', cpu_cores: '3-4' }, [true, false], 3],
      ['stage', { version: '7.0.0', stage: 'login', os: 'windows' }, [true, false], 3],
      ['stage', { version: '7.0.0', stage: 'idle', os: 'windows' }, [false, false], 3],
      [
        'detail',
        {
          version: '7.0.0',
          stage: 'login',
          os: 'windows',
          detail: 'file_name_length',
          detail_bucket: '43-80',
        },
        [true, false],
        3,
      ],
    ]);
    expect(new Set(into.map((c) => c.key)).size).toBe(4);
  });
});
