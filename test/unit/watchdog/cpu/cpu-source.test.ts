import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PidusageCpuSource,
  ProcessGoneError,
  ProcfsCpuSource,
  SelfCpuSource,
} from '../../../../src/watchdog/cpu/index.js';
import { sameProcessRun } from '../../../../src/watchdog/session/index.js';

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

async function fakeProc(pid: number, state: string, utime: number, starttime: number, root?: string) {
  const procRoot = root ?? (await mkdtemp(join(tmpdir(), 'filesfu-proc-')));
  await mkdir(join(procRoot, String(pid)), { recursive: true });
  const fields = [state, 1, 1, 1, 0, -1, 0, 0, 0, 0, 0, utime, 0, 0, 0, 20, 0, 1, 0, starttime, 0, 0];
  await writeFile(join(procRoot, String(pid), 'stat'), `${pid} (app) ${fields.join(' ')}\n`);
  return procRoot;
}

describe('ProcfsCpuSource', () => {
  it.skipIf(process.platform !== 'linux')('reads growing CPU time of a live process', async () => {
    const source = new ProcfsCpuSource(process.pid);
    const before = await source.readCpuSeconds();
    burn(100);
    expect(await source.readCpuSeconds()).toBeGreaterThan(before);
    expect(await source.processRunId()).toMatch(new RegExp(`^${process.pid}@\\d+$`));
  });

  it.skipIf(process.platform !== 'linux')('reports a process that exited as gone', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(new ProcfsCpuSource(pid).readCpuSeconds()).rejects.toBeInstanceOf(ProcessGoneError);
  });

  it('treats a zombie and a reused pid (new start time) as gone', async () => {
    const zombieRoot = await fakeProc(10, 'Z', 5, 100);
    await expect(new ProcfsCpuSource(10, zombieRoot).readCpuSeconds()).rejects.toBeInstanceOf(
      ProcessGoneError,
    );

    const root = await fakeProc(11, 'S', 5, 100);
    const source = new ProcfsCpuSource(11, root);
    expect(await source.readCpuSeconds()).toBeGreaterThan(0);
    await fakeProc(11, 'S', 1, 200, root);
    await expect(source.readCpuSeconds()).rejects.toThrow(/reused/);
  });
});

describe('SelfCpuSource', () => {
  it('reads this process', async () => {
    const source = new SelfCpuSource();
    const before = await source.readCpuSeconds();
    burn(50);
    expect(await source.readCpuSeconds()).toBeGreaterThan(before);
  });
});

// pidusage is the macOS/Windows path; it also works on Linux, which lets CI exercise our wrapper.
describe('PidusageCpuSource', () => {
  it('reads a live process and reports an exited one as gone', async () => {
    const source = new PidusageCpuSource(process.pid);
    expect(await source.readCpuSeconds()).toBeGreaterThan(0);
    const runId = await source.processRunId();
    expect(runId).toMatch(new RegExp(`^${process.pid}@\\d+~2$`));
    // ps start times jitter by about a second between readings: still the same run.
    expect(sameProcessRun(runId, await source.processRunId())).toBe(true);
    source.close();
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(new PidusageCpuSource(pid).readCpuSeconds()).rejects.toBeInstanceOf(ProcessGoneError);
  });
});
