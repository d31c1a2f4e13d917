import { describe, expect, it } from 'vitest';
import { commitOf as c } from './fixtures.js';
import { T0, baseOptions, interval, storeHarness } from './store-harness.js';

// The Redis store's journal: what a commit or a close decided is appended in the same script, in
// order, only when it adds something; trimming drops what a checkpoint holds; a journal that
// expired continues numbering after the checkpoint's last entry.

const { openRedisStore } = storeHarness();
const WINDOW0 = Number(T0 / 60_000_000_000n);
const endOf = (w: number, ms = 0) => (WINDOW0 + w + 1) * 60_000 + ms;
let prefixes = 0;
const open = () => openRedisStore(`journal${prefixes++}:`, baseOptions);

describe('redis state store journal', () => {
  it('journals commits that add something and the windows they and the clock close, in order', async () => {
    const store = await open();
    store.openJournal('j1', 0);
    const first = c('s1', [interval(0)]);
    await store.commitSession({ ...first, journal: 'payload-1' }, endOf(0, -50_000));
    // The same points again: all duplicates, nothing to journal.
    await store.commitSession({ ...first, journal: 'payload-1' }, endOf(0, -49_000));
    const next = await store.commitSession(
      { ...c('s1', [interval(6)]), journal: 'payload-2' },
      endOf(1, -50_000),
    );
    expect(next.closed).toHaveLength(1);
    const closedByClock = await store.closeDueWindows(endOf(1, baseOptions.windowGraceMs));
    expect(closedByClock).toHaveLength(1);
    expect(store.journaledThrough()).toBe(3);

    const entries = await store.readJournal(0);
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'commit'],
      [2, 'commit'],
      [3, 'closed'],
    ]);
    expect(entries[1]).toMatchObject({ payload: 'payload-2', result: next });
    expect(entries[2]).toMatchObject({ windows: closedByClock });
    expect((await store.readJournal(2)).map((e) => e.seq)).toEqual([3]);

    await store.trimJournal(2);
    expect((await store.readJournal(0)).map((e) => e.seq)).toEqual([3]);
  });

  it('journals nothing before a journal is opened', async () => {
    const store = await open();
    await store.commitSession({ ...c('s2', [interval(0)]), journal: 'p' }, endOf(0, -50_000));
    store.openJournal('j2', 0);
    expect(await store.readJournal(0)).toEqual([]);
    expect(store.journaledThrough()).toBe(0);
  });

  it('numbers after the checkpoint when the journal expired meanwhile', async () => {
    const store = await open();
    store.openJournal('j3', 41);
    expect(await store.readJournal(41)).toEqual([]);
    await store.commitSession({ ...c('s3', [interval(0)]), journal: 'p' }, endOf(0, -50_000));
    expect(store.journaledThrough()).toBe(42);
    expect((await store.readJournal(41)).map((e) => e.seq)).toEqual([42]);
  });
});
