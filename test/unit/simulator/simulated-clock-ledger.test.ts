// The simulated clock's sample ledger over many random fleets and random answers: every sample a
// session recorded ends acknowledged (split by the answer's partial success) or lost for the
// sender's cause, in exactly the amounts the decoded requests carried.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/load/load-fleet.js';
import { ledgerBalances } from '../../../src/load/sample-ledger.js';
import { decodeExportMetricsServiceRequest } from '../../../src/otlp/index.js';
import type { SendOutcome } from '../../../src/simulator/request-sender.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import { runSimulatedClock } from '../../../src/simulator/simulated-clock.js';

const scenario = (seed: number) =>
  parseScenario(`
name: ledger
seed: ${seed}
run: { sessions: 4, period: 20m, requestIntervals: 6 }
sessionLength: { min: 2m, max: 12m }
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
  cpuCores: [{ value: 4, weight: 1 }]
stages:
  idle: { duration: [5, 30], next: { receiving: 3, shutdown: 0.2 } }
  receiving: { details: { fileNameLength: [5, 100] } }
faults: []
noise: { spikeProbability: 0.002, bursts: { probability: 0.002, samples: [3, 12] } }
expect: { culprits: [] }
`);

describe('simulated clock sample ledger', () => {
  it('accounts every recorded sample by the answer its request got, over 30 random fleets', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = createRandom(seed * 7919);
      const expected = { accepted: 0, rejected: 0, partly: 0, refused: 0, gaveUp: 0, unknown: 0, points: 0 };
      const send = async (body: Uint8Array): Promise<SendOutcome> => {
        const metric =
          decodeExportMetricsServiceRequest(body).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
        if (metric.type !== 'histogram') throw new Error('not a histogram');
        const points = metric.dataPoints.length;
        const samples = metric.dataPoints.reduce((sum, p) => sum + Number(p.count), 0);
        const roll = random.integer(0, 4);
        if (roll === 0) {
          expected.refused += samples;
          return { delivered: false, retries: 0, rejectedDataPoints: 0, loss: 'refused' };
        }
        if (roll === 1) {
          expected.gaveUp += samples;
          return { delivered: false, retries: 5, rejectedDataPoints: 0, loss: 'gave-up' };
        }
        const rejected = roll === 2 ? random.integer(1, points) : 0;
        if (rejected === 0) expected.accepted += samples;
        else if (rejected === points) expected.rejected += samples;
        else expected.partly += samples;
        expected.points += points - rejected;
        const afterUnknownOutcome = random.chance(0.3);
        if (afterUnknownOutcome) expected.unknown += samples;
        return { delivered: true, retries: 0, rejectedDataPoints: rejected, afterUnknownOutcome };
      };
      const result = await runSimulatedClock({
        scenario: scenario(seed),
        tokenFor: () => 'token',
        send,
        windowSeconds: 60,
        windowGraceSeconds: 5,
        nowMs: Date.UTC(2026, 11, 7, 12, 0, 0),
        inFlight: 2,
      });
      const { ledger } = result;
      expect(ledgerBalances(ledger)).toBe(true);
      expect(ledger.recorded).toBe(result.samples);
      expect(ledger.points.recorded).toBe(result.points);
      expect(ledger.pending).toBe(0);
      expect(ledger.acknowledged).toEqual({
        total: expected.accepted + expected.rejected + expected.partly,
        accepted: expected.accepted,
        rejected: expected.rejected,
        partlyRejected: expected.partly,
        afterUnknownOutcome: expected.unknown,
      });
      expect(ledger.points.accepted).toBe(expected.points);
      expect(ledger.lost).toMatchObject({ refused: expected.refused, 'gave-up': expected.gaveUp, failed: 0 });
      expect(ledger.lost.total).toBe(expected.refused + expected.gaveUp);
    }
  });
});
