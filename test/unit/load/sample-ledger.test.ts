// The sample ledger: every recorded sample is in exactly one place at every moment, over many
// random sequences of records, acknowledgements (with and without partial success) and losses.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/load/load-fleet.js';
import {
  LOSS_CAUSES,
  SampleLedger,
  addLedgers,
  formatLedger,
  ledgerBalances,
  type Batch,
} from '../../../src/load/sample-ledger.js';

describe('SampleLedger', () => {
  it('balances recorded = acknowledged + lost + pending after every step, over 200 random histories', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = createRandom(seed);
      const ledger = new SampleLedger();
      const open: Batch[] = [];
      const expected = { accepted: 0, rejected: 0, partly: 0, lost: new Map<string, number>(), points: 0 };
      for (let step = 0; step < 300; step++) {
        const action = random.integer(0, 2);
        if (action === 0 || open.length === 0) {
          const batch = { samples: random.integer(1, 20), points: random.integer(1, 4) };
          ledger.record(batch);
          open.push(batch);
        } else {
          const batch = open.splice(random.integer(0, open.length - 1), 1)[0]!;
          if (action === 1) {
            const rejected = random.chance(0.5) ? 0 : random.integer(0, batch.points);
            ledger.acknowledge(batch, rejected);
            if (rejected === 0) expected.accepted += batch.samples;
            else if (rejected === batch.points) expected.rejected += batch.samples;
            else expected.partly += batch.samples;
            expected.points += batch.points - rejected;
          } else {
            const cause = LOSS_CAUSES[random.integer(0, LOSS_CAUSES.length - 1)]!;
            ledger.lose(batch, cause);
            expected.lost.set(cause, (expected.lost.get(cause) ?? 0) + batch.samples);
          }
        }
        const snapshot = ledger.snapshot();
        const pending = open.reduce((sum, b) => sum + b.samples, 0);
        if (!ledgerBalances(snapshot) || snapshot.pending !== pending) {
          expect.fail(`seed ${seed} step ${step}: ${JSON.stringify(snapshot)} with ${pending} pending`);
        }
      }
      const snapshot = ledger.snapshot();
      expect(snapshot.acknowledged).toMatchObject({
        accepted: expected.accepted,
        rejected: expected.rejected,
        partlyRejected: expected.partly,
      });
      expect(snapshot.points.accepted).toBe(expected.points);
      for (const cause of LOSS_CAUSES) expect(snapshot.lost[cause]).toBe(expected.lost.get(cause) ?? 0);
    }
  });

  it('splits a 2xx by its partial success: none, all or some points rejected', () => {
    const ledger = new SampleLedger();
    const batch = { samples: 10, points: 2 };
    for (let i = 0; i < 4; i++) ledger.record(batch);
    ledger.acknowledge(batch, 0);
    ledger.acknowledge(batch, 2);
    ledger.acknowledge(batch, 1, true);
    ledger.acknowledge(batch, 99); // more than the request had: all of it
    expect(ledger.snapshot()).toMatchObject({
      recorded: 40,
      pending: 0,
      acknowledged: { total: 40, accepted: 10, rejected: 20, partlyRejected: 10, afterUnknownOutcome: 10 },
      points: { recorded: 8, accepted: 3, rejected: 5, lost: 0, pending: 0 },
    });
  });

  it('refuses to settle samples it does not hold (settled twice, or never recorded)', () => {
    const ledger = new SampleLedger();
    ledger.record({ samples: 3, points: 1 });
    ledger.lose({ samples: 3, points: 1 }, 'skipped');
    expect(() => ledger.acknowledge({ samples: 3, points: 1 }, 0)).toThrow(
      /settled twice, or never recorded/,
    );
  });

  it('adds two ledgers cause by cause and names every non-zero cause in its line', () => {
    const a = new SampleLedger();
    const b = new SampleLedger();
    a.record({ samples: 5, points: 1 });
    a.lose({ samples: 5, points: 1 }, 'throttled');
    b.record({ samples: 7, points: 1 });
    b.record({ samples: 2, points: 1 });
    b.acknowledge({ samples: 7, points: 1 }, 0);
    const sum = addLedgers(a.snapshot(), b.snapshot());
    expect(sum).toMatchObject({
      recorded: 14,
      pending: 2,
      acknowledged: { total: 7 },
      lost: { total: 5, throttled: 5 },
    });
    expect(ledgerBalances(sum)).toBe(true);
    expect(formatLedger(sum)).toBe(
      'samples recorded 14 · acknowledged 7 (accepted 7) · pending 2 · lost 5 (throttled 5)',
    );
  });
});
