import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/gateway/state/index.js';
import { commitOf, HOUR, options, point } from './fixtures.js';

// A store restored from its checkpoint (through JSON, as on disk) decides every later operation as
// the original does: dedup, windows closed by later points or by the clock, series budget, versions.

const NOW = 10 * HOUR;

function restoredCopy(store: MemoryStateStore): MemoryStateStore {
  const copy = new MemoryStateStore(options);
  copy.restore(JSON.parse(JSON.stringify(store.checkpoint())));
  return copy;
}

describe('MemoryStateStore checkpoint', () => {
  it('restores state that decides later commits, closes and admissions exactly as the original', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            session: fc.integer({ min: 0, max: 4 }),
            start: fc.integer({ min: 0, max: 400 }),
            length: fc.integer({ min: 0, max: 30 }),
            hot: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 30 }),
        async (commits, split) => {
          const original = new MemoryStateStore(options);
          const apply = async (store: MemoryStateStore, list: typeof commits, offsetMs: number) => {
            const out: unknown[] = [];
            for (const [i, c] of list.entries()) {
              const p = point(c.start, c.start + c.length, { above: c.hot ? [c.length, c.length] : [0, 0] });
              const nowMs = NOW + offsetMs + i * 1000;
              out.push(await store.commitSession(commitOf(`s${c.session}`, [p]), nowMs));
              out.push(await store.admitSeries([{ key: `k${c.session}`, cost: 7 }], nowMs));
              out.push(await store.admitVersions([`v${c.session}`]));
              await store.recordVersionUsage(new Map([[`v${c.session}`, 1]]), nowMs);
            }
            return out;
          };
          await apply(original, commits.slice(0, split), 0);
          const copy = restoredCopy(original);
          const rest = commits.slice(split);
          expect(await apply(copy, rest, 100_000)).toEqual(await apply(original, rest, 100_000));
          const later = NOW + 2 * HOUR;
          // Windows due at the same moment may close in another order: the same windows, each once.
          expect(sorted(await copy.closeDueWindows(later))).toEqual(
            sorted(await original.closeDueWindows(later)),
          );
          expect(await copy.housekeeping(later)).toEqual(await original.housekeeping(later));
        },
      ),
      { numRuns: 200 },
    );
  });
});

function sorted(values: readonly unknown[]): string[] {
  return values.map((v) => JSON.stringify(v)).sort();
}
