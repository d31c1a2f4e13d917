import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagedProcess, waitFor } from '../../../src/stack/index.js';

const dir = mkdtempSync(join(tmpdir(), 'managed-process-'));

describe('ManagedProcess', () => {
  it('logs output and reports the exit code', async () => {
    const child = new ManagedProcess({
      name: 'echo',
      command: process.execPath,
      args: ['-e', 'console.log("hello"); process.exit(3)'],
      logFile: join(dir, 'echo.log'),
    });
    child.start();
    expect(await child.exited()).toBe(3);
    await waitFor(async () => (readFileSync(child.logFile, 'utf8').includes('hello') ? true : undefined));
    expect(child.running).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const child = new ManagedProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      logFile: join(dir, 'stubborn.log'),
      stopGraceMs: 300,
    });
    child.start();
    await waitFor(async () => (readFileSync(child.logFile, 'utf8').includes('ready') ? true : undefined));
    await child.stop();
    expect(child.running).toBe(false);
    expect(await child.exited()).toBeNull();
  });
});

describe('waitFor', () => {
  it('names what it waited for and quotes the last error on timeout', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 100, intervalMs: 20, what: 'the thing' },
      ),
    ).rejects.toThrow(/the thing: last error: connection refused/);
  });
});
