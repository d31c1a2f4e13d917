import { describe, expect, it } from 'vitest';
import { CumulativeStore } from '../../../../src/gateway/aggregation/index.js';
import { SeriesIdentities } from '../../../../src/gateway/cardinality/index.js';
import type { PreparedSession } from '../../../../src/gateway/pipeline/session-contributions.js';
import {
  emptyOutcome,
  sessionContributions,
} from '../../../../src/gateway/pipeline/session-contributions.js';
import type { SessionCommitResult } from '../../../../src/gateway/state/index.js';
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
    version: { value: '7.0.0', bounded: undefined },
    os: { value: 'windows', bounded: undefined },
    samples,
    streams: samples.map((s) => s.stage),
    stages: samples.map((s) => ({ value: s.stage, bounded: undefined })),
  };
}

const committed = (duplicate: boolean[]): SessionCommitResult => ({
  duplicate,
  newlySeen: false,
  newStages: [],
  newOverThresholds: [],
  newStageOverThresholds: [],
});

function aggregateOf(prepared: PreparedSession, duplicate: boolean[], oneByOne: boolean) {
  const store = new CumulativeStore();
  const sessions = oneByOne
    ? prepared.samples.map((s, i) => ({
        prepared: {
          ...prepared,
          samples: [s],
          streams: [prepared.streams[i]],
          stages: [prepared.stages[i]!],
        },
        duplicate: [duplicate[i] as boolean],
      }))
    : [{ prepared, duplicate }];
  let contributions = 0;
  let points = 0;
  for (const { prepared: p, duplicate: d } of sessions) {
    const outcome = emptyOutcome();
    sessionContributions(p, committed(d), new SeriesIdentities(), outcome);
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
});
