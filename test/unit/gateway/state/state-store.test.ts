import { beforeEach, describe, expect, it } from 'vitest';
import { commitSessions } from '../../../../src/gateway/state/index.js';
import type { SessionPoint, StateStore } from '../../../../src/gateway/state/index.js';
import { commitOf as c } from './fixtures.js';
import { T0, baseOptions, interval, span, storeHarness } from './store-harness.js';

// Deduplication, the same on both stores: the watermark rule, repeats within a commit, zero-width
// streams (commit-repeats.ts).

const { factories } = storeHarness();

describe.each(factories)('%s state store: deduplication', (_name, create) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await create(baseOptions);
  });

  it("commits a request's sessions in one call as one commitSession each, in order", async () => {
    const now = Date.now();
    const results = await commitSessions(
      store,
      [
        c('b1', [interval(0)]),
        c('b2', [interval(0), interval(0, 'sending')]),
        // The same session again in the same call: committed after the first, so its replay.
        c('b1', [interval(0), interval(1)]),
      ],
      now,
    );
    const values = results.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    expect(values.map((v) => v.duplicate)).toEqual([[false], [false, false], [true, false]]);
    expect(values.map((v) => v.newSession)).toEqual([true, true, false]);
  });

  it('accepts in-order intervals and flags retries of acknowledged ones as duplicates', async () => {
    const now = Date.now();
    const first = await store.commitSession(c('s1', [interval(0), interval(0, 'sending')]), now);
    expect(first.duplicate).toEqual([false, false]);
    expect(first.newSession).toBe(true);
    const retry = await store.commitSession(c('s1', [interval(0), interval(0, 'sending')]), now);
    expect(retry.duplicate).toEqual([true, true]);
    expect(retry.newSession).toBe(false);
    const next = await store.commitSession(c('s1', [interval(1)]), now);
    expect(next.duplicate).toEqual([false]);
    // A spooled backlog replayed after the live data was acknowledged is also a duplicate.
    const replay = await store.commitSession(c('s1', [interval(0), interval(1)]), now);
    expect(replay.duplicate).toEqual([true, true]);
    // Sessions are independent.
    const other = await store.commitSession(c('s2', [interval(0)]), now);
    expect(other.duplicate).toEqual([false]);
  });

  it('counts an interval repeated within one commit once', async () => {
    const now = Date.now();
    const idle = interval(0, 'idle', [1, 0]);
    const result = await store.commitSession(
      c('r1', [idle, interval(0, 'indexing'), { ...idle }, interval(1, 'idle')]),
      now,
    );
    expect(result.duplicate).toEqual([false, false, true, false]);
    // Two raw stages bounded to the same label are two streams, not a repeat.
    const bounded = await store.commitSession(
      c('r2', [
        interval(0, 'other', [0, 0], 'migrating'),
        interval(0, 'other', [0, 0], 'repairing'),
        interval(0, 'other', [0, 0], 'migrating'),
      ]),
      now,
    );
    expect(bounded.duplicate).toEqual([false, false, true]);
  });

  it('counts a zero-width interval at the watermark once, also when it is retried', async () => {
    const now = Date.now();
    // The watchdog's shutdown export can fall in the same millisecond as the export before it:
    // an interval that starts and ends at the watermark, with samples in it.
    const end = interval(1).startTimeUnixNano;
    const zeroWidth = (stream: string, above = [0, 0]): SessionPoint => ({
      ...span(stream, end, end, above),
      samples: 3,
    });
    await store.commitSession(c('z1', [interval(0, 'idle'), interval(0, 'sending')]), now);
    const shutdown = await store.commitSession(c('z1', [zeroWidth('shutdown', [3, 0])]), now);
    expect(shutdown.duplicate).toEqual([false]);
    // Its retry (the response was lost) is a duplicate; another stream's zero-width interval at the
    // same watermark is not, and then is remembered beside the first.
    const retry = await store.commitSession(c('z1', [zeroWidth('shutdown', [3, 0])]), now);
    expect(retry.duplicate).toEqual([true]);
    const second = await store.commitSession(
      c('z1', [zeroWidth('idle', [1, 0]), zeroWidth('shutdown', [3, 0])]),
      now,
    );
    expect(second.duplicate).toEqual([false, true]);
    const both = await store.commitSession(
      c('z1', [zeroWidth('idle', [1, 0]), zeroWidth('shutdown', [3, 0])]),
      now,
    );
    expect(both.duplicate).toEqual([true, true]);
    // The next interval starts at that same watermark and is new; after it, the zero-width
    // intervals lie before the watermark and are duplicates by the plain rule.
    const next = await store.commitSession(c('z1', [interval(1, 'idle')]), now);
    expect(next.duplicate).toEqual([false]);
    expect((await store.commitSession(c('z1', [zeroWidth('shutdown')]), now)).duplicate).toEqual([true]);
    // A zero-width interval at a new watermark is counted, once.
    const later = interval(2).startTimeUnixNano;
    const atLater = { ...zeroWidth('shutdown', [1, 0]), startTimeUnixNano: later, timeUnixNano: later };
    expect((await store.commitSession(c('z1', [atLater]), now)).duplicate).toEqual([false]);
    expect((await store.commitSession(c('z1', [atLater]), now)).duplicate).toEqual([true]);
  });

  it('tells a zero-width interval from the next one of its stream, which starts at the same time', async () => {
    const now = Date.now();
    const at = (n: number) => interval(n).startTimeUnixNano;
    // A replayed backlog: an interval, the zero-width one at its end, and the next one. All new.
    const backlog = [span('idle', at(0), at(1)), span('idle', at(1), at(1)), span('idle', at(1), at(2))];
    expect((await store.commitSession(c('zb', backlog), now)).duplicate).toEqual([false, false, false]);
    expect((await store.commitSession(c('zb', backlog), now)).duplicate).toEqual([true, true, true]);
    // A retried zero-width interval and the next interval in one commit: the retry is a duplicate,
    // the next interval is new (it shares only its start with the retry).
    await store.commitSession(c('zc', [span('idle', at(0), at(1))]), now);
    await store.commitSession(c('zc', [span('idle', at(1), at(1))]), now);
    const mixed = await store.commitSession(
      c('zc', [span('idle', at(1), at(1)), span('idle', at(1), at(2))]),
      now,
    );
    expect(mixed.duplicate).toEqual([true, false]);
    expect((await store.commitSession(c('zc', [span('idle', at(1), at(2))]), now)).duplicate).toEqual([true]);
  });

  it('remembers at most maxZeroWidthStreams streams at a watermark; beyond, zero-width intervals there are duplicates', async () => {
    const now = Date.now();
    const end = interval(1).startTimeUnixNano;
    const zeroWidth = (stream: string) => span('other', end, end, [0, 0], stream);
    await store.commitSession(c('zm', [interval(0)]), now);
    // maxZeroWidthStreams is 3 here: four new streams are counted, the first three remembered.
    const four = ['s1', 's2', 's3', 's4'].map(zeroWidth);
    expect((await store.commitSession(c('zm', four), now)).duplicate).toEqual([false, false, false, false]);
    // With the list full, any zero-width interval at that watermark is a duplicate: the retry of
    // the fourth (never counted twice) and a fifth stream (never seen; dropped, documented).
    const more = await store.commitSession(c('zm', [zeroWidth('s4'), zeroWidth('s5')]), now);
    expect(more.duplicate).toEqual([true, true]);
    // The next interval moves the watermark on; the list no longer applies.
    expect((await store.commitSession(c('zm', [interval(1)]), now)).duplicate).toEqual([false]);
  });

  it('finds repeats in a long commit (a replayed backlog) the same way', async () => {
    const now = Date.now();
    // 40 intervals: past the pairwise scan, so the keyed pass decides. Every 5th repeats an
    // earlier one; a repeat in another stream is new.
    const points: SessionPoint[] = [];
    const expected: boolean[] = [];
    for (let n = 0; n < 40; n++) {
      const repeat = n % 5 === 4;
      points.push(repeat ? interval(n - 2, 'idle', [0, 0], n % 10 === 4 ? 'idle' : 'raw') : interval(n));
      expected.push(repeat && n % 10 === 4);
    }
    const result = await store.commitSession(c('long', points), now);
    expect(result.duplicate).toEqual(expected);
  });

  it('distinguishes timestamps that differ only beyond double precision', async () => {
    const now = Date.now();
    const a = span('idle', T0, T0 + 1n);
    await store.commitSession(c('p1', [a]), now);
    const b = span('idle', T0 + 1n, T0 + 2n);
    expect((await store.commitSession(c('p1', [b]), now)).duplicate).toEqual([false]);
    expect((await store.commitSession(c('p1', [a]), now)).duplicate).toEqual([true]);
  });

  it('is exact under concurrent commits of the same session', async () => {
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.commitSession(c('race', [interval(0, 'idle', [10, 10])]), now)),
    );
    expect(results.filter((r) => r.newSession)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate[0])).toHaveLength(1);
    // The later window's point closes the window once: with the session high at both thresholds.
    const closing = await store.commitSession(c('race', [interval(6)]), now);
    expect(closing.closed.map((w) => w.high)).toEqual([[true, true]]);
  });
});
