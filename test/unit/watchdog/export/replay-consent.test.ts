import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askFileConsent, createReplayConsentGate } from '../../../../src/watchdog/export/index.js';
import { MemorySpool } from '../../../../src/watchdog/spool/index.js';

async function spoolWithBacklog(bytes: number) {
  const spool = new MemorySpool({ maxBytes: 1e9, maxAgeMs: 1e9 });
  await spool.append(new Uint8Array(bytes));
  return spool;
}

describe('replay consent gate', () => {
  it('does not ask for a backlog at or below the threshold', async () => {
    const spool = await spoolWithBacklog(100);
    const asked: number[] = [];
    const gate = createReplayConsentGate(spool, {
      thresholdBytes: 100,
      decide: (bytes) => (asked.push(bytes), Promise.resolve(false)),
    });
    await gate();
    expect(asked).toEqual([]);
    expect(spool.backlog().entries).toBe(1);
  });

  it('asks with the backlog size and keeps the backlog when granted', async () => {
    const spool = await spoolWithBacklog(500);
    const asked: number[] = [];
    const gate = createReplayConsentGate(spool, {
      thresholdBytes: 100,
      decide: (bytes) => (asked.push(bytes), Promise.resolve(true)),
    });
    await gate();
    expect(asked).toEqual([500]);
    expect(spool.backlog().entries).toBe(1);
  });

  it('drops only the OLD backlog when refused (data of this run is kept)', async () => {
    const spool = await spoolWithBacklog(500);
    const gate = createReplayConsentGate(spool, {
      thresholdBytes: 100,
      decide: () => Promise.resolve(false),
    });
    await spool.append(new Uint8Array([42]));
    await gate();
    expect(spool.backlog()).toMatchObject({ entries: 1, bytes: 1 });
    expect(spool.stats.droppedByReason['consent-refused']).toBe(1);
  });

  it('treats a failing hook as refused', async () => {
    const spool = await spoolWithBacklog(500);
    const gate = createReplayConsentGate(spool, {
      thresholdBytes: 1,
      decide: () => Promise.reject(new Error('ui gone')),
    });
    await gate();
    expect(spool.backlog().entries).toBe(0);
  });
});

describe('askFileConsent', () => {
  const dir = () => mkdtemp(join(tmpdir(), 'filesfu-consent-'));

  it('grants once the consent file appears, and consumes it', async () => {
    const path = join(await dir(), 'replay-consent');
    const answer = askFileConsent(path, 10_000, 10)(1);
    await writeFile(path, 'yes\n');
    expect(await answer).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses when the file says no', async () => {
    const path = join(await dir(), 'replay-consent');
    await writeFile(path, 'No\n');
    expect(await askFileConsent(path, 10_000, 10)(1)).toBe(false);
  });

  it('refuses when nobody answers in time', async () => {
    const path = join(await dir(), 'replay-consent');
    expect(await askFileConsent(path, 30, 10)(1)).toBe(false);
  });
});
