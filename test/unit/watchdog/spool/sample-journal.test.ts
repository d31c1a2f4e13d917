import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSpool } from '../../../../src/watchdog/spool/index.js';
import { JOURNAL_FILE, readJournal, SampleJournal } from '../../../../src/watchdog/spool/sample-journal.js';
import type { SessionIdentity } from '../../../../src/watchdog/index.js';

const identity: SessionIdentity = {
  installId: '3f0c2b7e-1111-4222-8333-444455556666',
  sessionId: '9a9a9a9a-1111-4222-8333-444455556666',
  appVersion: '6.4.0',
  osType: 'linux',
  osVersion: '6.1.0',
  hostArch: 'amd64',
};

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'filesfu-journal-'));
  const open = () => DiskSpool.open({ dir, maxBytes: 1 << 20, maxAgeMs: 3_600_000, fsync: false });
  return { dir, open, path: join(dir, JOURNAL_FILE) };
}

const sample = (ms: number, utilization: number) => ({
  timeNs: BigInt(ms) * 1_000_000n,
  stage: 'receiving',
  details: { 'filesfu.file.name.length': 57 },
  utilization,
});

describe('SampleJournal', () => {
  it('keeps every sample recorded since the last spooled batch, with the batch end as their start', async () => {
    const { open, path } = await fixture();
    const spool = await open();
    const journal = new SampleJournal(path, identity);
    await journal.open(spool);
    journal.record(sample(1000, 0.1));
    journal.record(sample(2000, 0.2));
    const id = journal.beginBatch(2, 2_500_000_000n);
    journal.record(sample(3000, 0.3)); // recorded while the batch is being appended
    await spool.append(new Uint8Array([1]), id);
    journal.endBatch(id);
    journal.record(sample(4000, 0.4));
    // A crash now: nothing closes the journal.
    const recovered = readJournal(await readFile(path, 'utf8'), () => false);
    expect(recovered?.identity).toEqual(identity);
    expect(recovered?.startNs).toBe(2_500_000_000n);
    expect(recovered?.samples.map((s) => s.utilization)).toEqual([0.3, 0.4]);
    expect(recovered?.samples[0]?.details).toEqual({ 'filesfu.file.name.length': 57 });
  });

  it('a crash between the spool append and the journal rewrite counts the batch once', async () => {
    const { open, path } = await fixture();
    const spool = await open();
    const journal = new SampleJournal(path, identity);
    await journal.open(spool);
    journal.record(sample(1000, 0.1));
    journal.record(sample(2000, 0.2));
    const id = journal.beginBatch(2, 2_500_000_000n);
    journal.record(sample(3000, 0.3));
    // The batch's segment is in the spool, the journal was not rewritten (killed in between).
    await spool.append(new Uint8Array([1]), id);
    const reopened = await open();
    const recovered = readJournal(await readFile(path, 'utf8'), (tag) => reopened.hasTag(tag));
    expect(recovered?.samples.map((s) => s.utilization)).toEqual([0.3]);
    expect(recovered?.startNs).toBe(2_500_000_000n);
    // And killed before the append: the batch's samples are still to export, from the old start.
    const notAppended = readJournal(await readFile(path, 'utf8'), () => false);
    expect(notAppended?.samples.map((s) => s.utilization)).toEqual([0.1, 0.2, 0.3]);
  });

  it('recovers into the spool once: a second restart finds nothing left to recover', async () => {
    const { open, path } = await fixture();
    const first = new SampleJournal(path, identity);
    await first.open(await open());
    first.record(sample(1000, 0.5));
    first.record(sample(1500, 0.6));
    // Killed. The next run recovers the two samples into one spooled batch...
    const spool = await open();
    const second = new SampleJournal(path, { ...identity, sessionId: 'another-session' });
    await second.open(spool);
    expect(spool.backlog().entries).toBe(1);
    // ...and a third run (the second was killed at once) finds none left, and no new batch is added.
    const again = await open();
    const third = new SampleJournal(path, identity);
    await third.open(again);
    expect(again.backlog().entries).toBe(1);
  });

  it('ignores a line torn by a crash mid-write', () => {
    const head = JSON.stringify({ k: 'h', identity, start: '5' });
    const text = `${head}\n{"t":"7","s":"idle","u":0.5}\n{"t":"8","s":"id`;
    expect(readJournal(text, () => false)?.samples).toHaveLength(1);
  });
});
