// The ground truth against hand-worked values: one session, two windows, three stages, two detail
// buckets; and the family invariants (high <= active; the session family counts each window once).
import { describe, expect, it } from 'vitest';
import { TruthCounter, truthOverRate, truthTotals } from '../../../src/simulator/ground-truth.js';
import type { ModelSettings } from '../../../src/simulator/scenario-schema.js';
import type { SimulatedPoint } from '../../../src/simulator/session-points.js';
import type { SessionIdentity } from '../../../src/simulator/simulated-session.js';

const MODEL: ModelSettings = {
  thresholds: [0.3, 0.8],
  episodeMinSamples: 5,
  details: [{ attribute: 'filesfu.file.name.length', label: 'file_name_length', bounds: [20, 42, 80] }],
};
const T0 = 1_800_000_000n * 1_000_000_000n; // a window boundary for 60 s windows
const s = (seconds: number) => T0 + BigInt(seconds) * 1_000_000_000n;

function point(
  stage: string,
  from: number,
  to: number,
  samples: number,
  above: number[],
  length?: number,
): SimulatedPoint {
  const detailAttributes = new Map<string, number>(
    length === undefined ? [] : [['filesfu.file.name.length', length]],
  );
  return {
    stream: length === undefined ? stage : `${stage}|fileNameLength=${length}`,
    stage,
    detailAttributes,
    startTimeUnixNano: s(from),
    timeUnixNano: s(to),
    samples,
    above,
  } as unknown as SimulatedPoint;
}

const identity = (version: string, cores: number): SessionIdentity => ({
  sessionId: `s-${version}-${cores}`,
  installId: 'i',
  appVersion: version,
  osType: 'linux',
  osVersion: '6.1.0',
  hostArch: 'amd64',
  cpuLogicalCount: cores,
});

describe('TruthCounter', () => {
  it('counts windows into the session, stage and detail cells as worked out by hand', () => {
    const truth = new TruthCounter(MODEL, 60);
    truth.addSession(identity('1.0.0', 8), [
      point('login', 0, 10, 10, [6, 0]), // hot at 0.3 with 6 samples above: an episode at 0.3 only
      point('receiving', 10, 20, 10, [10, 10], 50), // pegged: an episode at both thresholds
      point('idle', 60, 70, 10, [1, 0]), // window 1: not hot
      point('receiving', 60, 63, 3, [3, 3], 10), // hot but only 3 samples: no episode
    ]);
    const result = truth.result();
    expect(result.thresholds).toEqual(['0.3', '0.8']);
    expect(result.session).toEqual([
      {
        labels: { version: '1.0.0', os: 'linux', cpu_cores: '5-8' },
        active: 2,
        high: { '0.3': 1, '0.8': 1 },
      },
    ]);
    const stage = Object.fromEntries(result.stage.map((c) => [c.labels['stage'], [c.active, c.high]]));
    expect(stage).toEqual({
      login: [1, { '0.3': 1, '0.8': 0 }],
      receiving: [2, { '0.3': 1, '0.8': 1 }],
      idle: [1, { '0.3': 0, '0.8': 0 }],
    });
    const detail = Object.fromEntries(
      result.detail.map((c) => [c.labels['detail_bucket'], [c.labels, c.active, c.high]]),
    );
    expect(detail).toEqual({
      '43-80': [
        {
          version: '1.0.0',
          stage: 'receiving',
          os: 'linux',
          detail: 'file_name_length',
          detail_bucket: '43-80',
        },
        1,
        { '0.3': 1, '0.8': 1 },
      ],
      '<=20': [
        {
          version: '1.0.0',
          stage: 'receiving',
          os: 'linux',
          detail: 'file_name_length',
          detail_bucket: '<=20',
        },
        1,
        { '0.3': 0, '0.8': 0 },
      ],
    });
  });

  it('continues an episode across a window boundary and counts it high in both windows', () => {
    const truth = new TruthCounter(MODEL, 60);
    truth.addSession(identity('2.0.0', 2), [
      point('login', 50, 60, 10, [10, 10]),
      point('login', 60, 63, 3, [3, 3]),
    ]);
    expect(truth.result().session).toEqual([
      {
        labels: { version: '2.0.0', os: 'linux', cpu_cores: '<=2' },
        active: 2,
        high: { '0.3': 2, '0.8': 2 },
      },
    ]);
  });

  it('sums and rates cells by label filter', () => {
    const truth = new TruthCounter(MODEL, 60);
    truth.addSession(identity('1.0.0', 8), [point('login', 0, 10, 10, [10, 0])]);
    truth.addSession(identity('2.0.0', 8), [point('login', 0, 10, 10, [0, 0])]);
    truth.addSession(identity('2.0.0', 16), [point('login', 0, 10, 10, [9, 9])]);
    const { session } = truth.result();
    expect(truthTotals(session, '0.3')).toEqual({ active: 3, high: 2 });
    expect(truthOverRate(session, '0.3', { version: '2.0.0' })).toBe(0.5);
    expect(truthOverRate(session, '0.8', { cpu_cores: '9-16' })).toBe(1);
    expect(truthOverRate(session, '0.8', { version: 'none' })).toBe(0);
  });
});
