import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockSpoolDir, SpoolDirInUseError, SPOOL_LOCK_FILE } from '../../../../src/watchdog/spool/index.js';

/** The pid of a process that has already exited (so it is not running). */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

/** Another process holding the spool dir's lock through the same module, until it is killed. */
async function lockInChild(dir: string): Promise<ChildProcess> {
  const module = resolve('src/watchdog/spool/spool-dir-lock.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { lockSpoolDir } from ${JSON.stringify(module)};
       lockSpoolDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1000);`,
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((done, fail) => {
    child.stdout?.on('data', () => output.includes('locked') && done());
    child.once('exit', (code) => fail(new Error(`lock holder exited (${String(code)})`)));
  });
  return child;
}

describe('lockSpoolDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'filesfu-spool-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second lock in this process, naming the fix and the file, until the first is released', () => {
    const first = lockSpoolDir(dir);
    let refusal: unknown;
    try {
      lockSpoolDir(dir);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(SpoolDirInUseError);
    const message = (refusal as Error).message;
    expect(message).toContain('another telemetry in this process');
    expect(message).toContain('spoolDir: false');
    expect(message).toContain('its own spoolDir');
    expect(message).toContain(join(dir, SPOOL_LOCK_FILE));
    first.release();
    lockSpoolDir(dir).release();
  });

  it('refuses a lock held by another live process, and takes it over once that process is killed', async () => {
    const holder = await lockInChild(dir);
    try {
      expect(() => lockSpoolDir(dir)).toThrow(SpoolDirInUseError);
      expect(() => lockSpoolDir(dir)).toThrow(`pid ${String(holder.pid)}`);
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
    const lock = lockSpoolDir(dir);
    expect(await readFile(join(dir, SPOOL_LOCK_FILE), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    lock.release();
  }, 30_000);

  it('takes over stale locks: a dead pid, this pid with a token no live lock has, garbage', async () => {
    const path = join(dir, SPOOL_LOCK_FILE);
    for (const stale of [`${exitedPid()} stale-token\n`, `${process.pid} left-by-an-earlier-run\n`, 'x']) {
      await writeFile(path, stale);
      const lock = lockSpoolDir(dir);
      expect(await readFile(path, 'utf8')).not.toBe(stale);
      lock.release();
    }
  });

  it('releases only its own lock, only once, and leaves no staging files', async () => {
    const lock = lockSpoolDir(dir);
    lock.release();
    const other = lockSpoolDir(dir);
    lock.release(); // must not remove the other's lock
    expect(() => lockSpoolDir(dir)).toThrow(SpoolDirInUseError);
    other.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates the directory it locks', async () => {
    const nested = join(dir, 'a', 'b');
    const lock = lockSpoolDir(nested);
    expect(await readdir(nested)).toEqual([SPOOL_LOCK_FILE]);
    lock.release();
  });
});
