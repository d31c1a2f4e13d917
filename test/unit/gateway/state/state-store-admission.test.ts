import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../../../src/gateway/state/index.js';
import { HOUR } from './fixtures.js';
import { baseOptions, counter, histogram, storeHarness } from './store-harness.js';

// The series budget and the version ranking, the same on both stores.

const { factories } = storeHarness();

describe.each(factories)('%s state store: admission', (_name, create) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await create(baseOptions);
  });
  it('admits label sets while their Prometheus series fit, touches known ones and frees idle ones', async () => {
    const now = Date.now();
    const [h, c] = [histogram('h').cost, counter('c').cost];
    expect(await store.admitSeries([histogram('a'), counter('b')], now)).toEqual([true, true]);
    // A second histogram does not fit; the last counter still does; known keys are touched.
    expect(await store.admitSeries([histogram('c'), counter('d'), histogram('a')], now + 1000)).toEqual([
      false,
      true,
      true,
    ]);
    expect(await store.admitSeries([counter('e')], now + 1000)).toEqual([false]);
    expect((await store.housekeeping(now + 1000)).usedSeries).toBe(h + 2 * c);
    // b and d idle past the timeout (their cost is freed); a was touched later.
    const later = now + 1000 + baseOptions.seriesIdleTimeoutMs - 500;
    expect(await store.admitSeries([histogram('a')], later)).toEqual([true]);
    expect((await store.housekeeping(now + 1000 + baseOptions.seriesIdleTimeoutMs + 1)).usedSeries).toBe(h);
    expect(await store.admitSeries([counter('d'), counter('e'), counter('f')], later + 2000)).toEqual([
      true,
      true,
      false,
    ]);
    // Once a expires too, its eleven series are free for another histogram.
    const muchLater = later + 2000 + baseOptions.seriesIdleTimeoutMs + 1;
    expect((await store.housekeeping(muchLater)).usedSeries).toBe(0);
    expect(
      await store.admitSeries([histogram('c'), counter('g'), counter('h'), counter('i')], muchLater),
    ).toEqual([true, true, true, false]);
    expect((await store.housekeeping(muchLater)).usedSeries).toBe(baseOptions.seriesBudget);
  });

  it('admits versions into free slots and re-ranks the most used in the window', async () => {
    const now = Date.now();
    expect(await store.admitVersions(['1.0', '2.0', '3.0'])).toEqual([true, true, false]);
    await store.recordVersionUsage(
      new Map([
        ['1.0', 1],
        ['2.0', 5],
        ['3.0', 9],
      ]),
      now,
    );
    expect((await store.housekeeping(now)).activeVersions.sort()).toEqual(['2.0', '3.0']);
    expect(await store.admitVersions(['1.0', '3.0'])).toEqual([false, true]);
    // Usage ages out of the window: nothing ranked, slots free again.
    const snapshot = await store.housekeeping(now + 2 * HOUR);
    expect(snapshot.activeVersions).toEqual([]);
    expect(await store.admitVersions(['1.0'])).toEqual([true]);
  });

  it('keeps currently active versions on equal usage', async () => {
    const now = Date.now();
    await store.admitVersions(['b', 'c']);
    await store.recordVersionUsage(
      new Map([
        ['a', 2],
        ['b', 2],
        ['c', 2],
      ]),
      now,
    );
    expect((await store.housekeeping(now)).activeVersions.sort()).toEqual(['b', 'c']);
  });
});
