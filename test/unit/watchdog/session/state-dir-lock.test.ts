import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lockStateDir,
  StateDirInUseError,
  STATE_DIR_LOCK_FILE,
} from '../../../../src/watchdog/session/index.js';

/** The pid of a process that has already exited (so it is not running). */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

describe('lockStateDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'filesfu-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second watchdog while the first holds the lock, naming its pid and the file', async () => {
    const first = await lockStateDir(dir);
    const second = lockStateDir(dir);
    await expect(second).rejects.toBeInstanceOf(StateDirInUseError);
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    await expect(second).rejects.toThrow(join(dir, STATE_DIR_LOCK_FILE));
    await first.release();
    const again = await lockStateDir(dir);
    await again.release();
  });

  it('takes over a stale lock whose watchdog is gone, and an empty one', async () => {
    const path = join(dir, STATE_DIR_LOCK_FILE);
    await writeFile(path, `${exitedPid()} stale-token\n`);
    const lock = await lockStateDir(dir);
    expect(await readFile(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
    await writeFile(path, '');
    await (await lockStateDir(dir)).release();
  });

  it('releases only its own lock, and only once', async () => {
    const path = join(dir, STATE_DIR_LOCK_FILE);
    const lock = await lockStateDir(dir);
    await lock.release();
    // Another watchdog took the dir since: releasing again must not remove its lock.
    const other = await lockStateDir(dir);
    await lock.release();
    expect(await readFile(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await expect(lockStateDir(dir)).rejects.toBeInstanceOf(StateDirInUseError);
    await other.release();
  });
});
