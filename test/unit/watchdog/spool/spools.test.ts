import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_DIR, DiskSpool, MemorySpool, type Spool } from '../../../../src/watchdog/spool/index.js';

const payload = (marker: number, size = 100): Uint8Array => new Uint8Array(size).fill(marker);

async function drainAll(spool: Spool): Promise<number[]> {
  const markers: number[] = [];
  for (let entry = spool.oldest(); entry; entry = spool.oldest()) {
    markers.push((await spool.read(entry))[0] ?? -1);
    await spool.remove(entry);
  }
  return markers;
}

const tempDir = () => mkdtemp(join(tmpdir(), 'filesfu-spool-'));

const kinds: Array<[string, (bounds: { maxBytes: number; maxAgeMs: number }) => Promise<Spool>]> = [
  ['MemorySpool', (bounds) => Promise.resolve(new MemorySpool(bounds))],
  ['DiskSpool', async (bounds) => DiskSpool.open({ dir: await tempDir(), ...bounds, fsync: false })],
];

describe.each(kinds)('%s', (_name, make) => {
  it('delivers entries oldest first', async () => {
    const spool = await make({ maxBytes: 1e6, maxAgeMs: 1e9 });
    for (const marker of [1, 2, 3]) await spool.append(payload(marker));
    expect(await drainAll(spool)).toEqual([1, 2, 3]);
    expect(spool.stats.delivered).toBe(3);
  });

  it('drops the oldest entries beyond maxBytes and counts them', async () => {
    const spool = await make({ maxBytes: 250, maxAgeMs: 1e9 });
    for (const marker of [1, 2, 3, 4]) await spool.append(payload(marker));
    expect(spool.stats.dropped).toBe(2);
    expect(spool.stats.droppedBytes).toBe(200);
    expect(spool.stats.droppedByReason['max-bytes']).toBe(2);
    expect(await drainAll(spool)).toEqual([3, 4]);
  });

  it('drops entries older than maxAgeMs and counts them', async () => {
    const spool = await make({ maxBytes: 1e6, maxAgeMs: 60_000 });
    await spool.append(payload(1));
    await spool.append(payload(2));
    expect(spool.oldest(Date.now() + 120_000)).toBeUndefined();
    expect(spool.stats.droppedByReason['max-age']).toBe(2);
  });

  it('moves permanently refused entries out of the queue', async () => {
    const spool = await make({ maxBytes: 1e6, maxAgeMs: 1e9 });
    await spool.append(payload(1));
    await spool.append(payload(2));
    const first = spool.oldest();
    if (!first) throw new Error('expected an entry');
    await spool.deadLetter(first, 'http-400');
    expect(spool.stats.deadLettered).toBe(1);
    expect(await drainAll(spool)).toEqual([2]);
  });

  it('discards a backlog through a sequence number (refused consent)', async () => {
    const spool = await make({ maxBytes: 1e6, maxAgeMs: 1e9 });
    await spool.append(payload(1));
    await spool.append(payload(2));
    const { lastSeq } = spool.backlog();
    await spool.append(payload(3));
    await spool.discardThrough(lastSeq ?? 0, 'consent-refused');
    expect(spool.stats.droppedByReason['consent-refused']).toBe(2);
    expect(await drainAll(spool)).toEqual([3]);
  });
});

describe('DiskSpool persistence', () => {
  it('survives a restart: the next process replays old entries first, then its own', async () => {
    const dir = await tempDir();
    const first = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9 });
    await first.append(payload(1));
    await first.append(payload(2));
    const second = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9 });
    expect(second.backlog()).toMatchObject({ entries: 2, bytes: 200 });
    await second.append(payload(3));
    expect(await drainAll(second)).toEqual([1, 2, 3]);
    expect((await readdir(dir)).filter((name) => name.endsWith('.pb'))).toEqual([]);
  });

  it('ignores and removes half-written tmp files from a crash', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '000000000001-1.pb.tmp'), 'partial');
    await writeFile(join(dir, 'unrelated.txt'), 'x');
    const spool = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9 });
    expect(spool.backlog().entries).toBe(0);
    expect(await readdir(dir)).not.toContain('000000000001-1.pb.tmp');
  });

  it('applies the bounds to a replayed backlog and keeps dead letters on disk (bounded)', async () => {
    const dir = await tempDir();
    const writer = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9 });
    for (const marker of [1, 2, 3]) await writer.append(payload(marker));
    const reader = await DiskSpool.open({ dir, maxBytes: 150, maxAgeMs: 1e9, deadLetterMaxFiles: 1 });
    expect(reader.stats.dropped).toBe(2);
    await writer.append(payload(4));
    const again = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9, deadLetterMaxFiles: 1 });
    for (let entry = again.oldest(); entry; entry = again.oldest()) await again.deadLetter(entry, 'http-415');
    const dead = (await readdir(join(dir, DEAD_LETTER_DIR))).filter((name) => name.endsWith('.pb'));
    expect(dead).toHaveLength(1);
  });

  it('keeps the newest dead letters by time, though sequence numbers restart with an empty spool', async () => {
    const dir = await tempDir();
    const deadDir = join(dir, DEAD_LETTER_DIR);
    await mkdir(deadDir, { recursive: true });
    // From an earlier run whose sequence had reached 500.
    await writeFile(join(deadDir, `000000000500-${Date.now() - 60_000}.pb`), payload(1));
    const spool = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9, deadLetterMaxFiles: 1 });
    await spool.append(payload(2));
    const entry = spool.oldest();
    expect(entry?.seq).toBeLessThan(500);
    if (entry) await spool.deadLetter(entry, 'http-400');
    const kept = (await readdir(deadDir)).filter((name) => name.endsWith('.pb'));
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^${String(entry?.seq).padStart(12, '0')}-`))]);
  });

  it('leaves no partial file behind when a write fails', async () => {
    const dir = await tempDir();
    const spool = await DiskSpool.open({ dir, maxBytes: 1e6, maxAgeMs: 1e9 });
    // The segment's name is taken by a directory: the write succeeds, the rename into place fails.
    const now = vi.spyOn(Date, 'now').mockReturnValue(1000);
    try {
      await mkdir(join(dir, '000000000001-1000.pb', 'occupied'), { recursive: true });
      await expect(spool.append(payload(1))).rejects.toThrow();
    } finally {
      now.mockRestore();
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
