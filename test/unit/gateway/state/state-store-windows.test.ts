import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../../../src/gateway/state/index.js';
import { LABELS, HOUR, commitOf as c } from './fixtures.js';
import { T0, baseOptions, interval, storeHarness } from './store-harness.js';

// Session windows, labels and forgetting, the same on both stores. Windows of 60 s (six 10 s
// intervals), grace 5 s, episodes of 5 samples above T; T0 starts a window.

const { factories } = storeHarness();
const WINDOW0 = Number(T0 / 60_000_000_000n);
/** Wall clock (ms) at the end of window `w` (counted from WINDOW0) plus `ms`. */
const endOf = (w: number, ms = 0) => (WINDOW0 + w + 1) * 60_000 + ms;

describe.each(factories)('%s state store: session windows', (_name, create) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await create(baseOptions);
  });

  it('keeps the labels of the first admission and closes a window when a later one starts', async () => {
    const first = await store.commitSession(c('w1', [interval(0, 'upload', [6, 0])]), endOf(0, -50_000));
    expect(first).toMatchObject({ newSession: true, labels: LABELS, closed: [], latePoints: 0 });
    const other = { version: '9.9.9', os: 'linux', cpuCores: '>16' };
    const next = await store.commitSession(
      c('w1', [interval(1, 'idle'), interval(6, 'idle')], other),
      endOf(1),
    );
    expect(next.labels).toEqual(LABELS);
    expect(next.closed).toEqual([
      {
        window: WINDOW0,
        labels: LABELS,
        high: [true, false],
        stages: [
          { stage: 'idle', high: [false, false] },
          { stage: 'upload', high: [true, false] },
        ],
        details: [],
      },
    ]);
    // Closed once: neither the clock nor a retry closes it again.
    expect(await store.closeDueWindows(endOf(0, baseOptions.windowGraceMs))).toEqual([]);
    expect((await store.commitSession(c('w1', [interval(6, 'idle')]), endOf(1))).closed).toEqual([]);
  });

  it('closes a window by the clock at end + grace, once, and counts later points of it as late', async () => {
    const long = await create({ ...baseOptions, episodeMinSamples: 15 });
    const grace = baseOptions.windowGraceMs;
    await long.commitSession(c('w2', [interval(4, 'upload', [6, 0])]), endOf(0, -5_000));
    expect(await long.closeDueWindows(endOf(0, grace - 1))).toEqual([]);
    const due = await long.closeDueWindows(endOf(0, grace));
    expect(due.map((w) => [w.window, w.high])).toEqual([[WINDOW0, [false, false]]]);
    expect(await long.closeDueWindows(endOf(0, grace))).toEqual([]);
    // A delayed point of the closed window is accepted but late; it still continues its run, which
    // reaches 15 samples above 0.3 in the next window.
    const late = await long.commitSession(
      c('w2', [interval(5, 'upload', [6, 0]), interval(6, 'upload', [6, 0])]),
      endOf(0, grace + 1),
    );
    expect(late).toMatchObject({ duplicate: [false, false], latePoints: 1, closed: [] });
    const end = await long.closeDueWindows(endOf(1, grace));
    expect(end.map((w) => [w.window, w.high])).toEqual([[WINDOW0 + 1, [true, false]]]);
  });

  it('lists stage and detail cells visited, with high per cell from its own streams', async () => {
    const upload = (length: string, above: number[]) => ({
      ...interval(0, 'upload', above, `upload|${length}`),
      details: [{ detail: 'file_name_length', bucket: length }],
    });
    await store.commitSession(
      c('w3', [upload('<=20', [10, 10]), upload('>80', [0, 0]), interval(0, 'idle')]),
      endOf(0, -50_000),
    );
    const [closed] = await store.closeDueWindows(endOf(0, baseOptions.windowGraceMs));
    expect(closed).toEqual({
      window: WINDOW0,
      labels: LABELS,
      high: [true, true],
      stages: [
        { stage: 'idle', high: [false, false] },
        { stage: 'upload', high: [true, true] },
      ],
      details: [
        { stage: 'upload', detail: 'file_name_length', bucket: '<=20', high: [true, true] },
        { stage: 'upload', detail: 'file_name_length', bucket: '>80', high: [false, false] },
      ],
    });
  });

  it('forgets a session after the dedup window and closes its open window', async () => {
    const now = endOf(0, -50_000) + 80 * HOUR;
    await store.commitSession(c('old', [interval(0)]), now - 73 * HOUR);
    await store.housekeeping(now);
    expect((await store.closeDueWindows(now)).map((w) => w.window)).toEqual([WINDOW0]);
    const again = await store.commitSession(c('old', [interval(0)]), now);
    expect(again).toMatchObject({ duplicate: [false], newSession: true });
  });

  it('evicts the least recently seen sessions beyond maxTrackedSessions, closing their windows', async () => {
    const small = await create({ ...baseOptions, maxTrackedSessions: 2 });
    const now = endOf(0, -50_000);
    await small.commitSession(c('a', [interval(0)]), now - 3);
    await small.commitSession(c('b', [interval(0)]), now - 2);
    await small.commitSession(c('c', [interval(0)]), now - 1);
    const snapshot = await small.housekeeping(now);
    expect(snapshot).toMatchObject({ trackedSessions: 2, openWindows: 2 });
    expect((await small.closeDueWindows(now)).map((w) => w.window)).toEqual([WINDOW0]);
    expect((await small.commitSession(c('c', [interval(0)]), now)).duplicate).toEqual([true]);
    expect((await small.commitSession(c('a', [interval(0)]), now)).duplicate).toEqual([false]);
  });
});
