import { describe, expect, it } from 'vitest';
import { parseProcStat, ProcStatParseError } from '../../../../src/watchdog/cpu/index.js';

// Fields 3..22 after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
// utime stime cutime cstime priority nice threads itrealvalue starttime, then more.
function statLine(pid: number, comm: string, utime: number, stime: number, starttime: number): string {
  const fields = [
    'S',
    1,
    1,
    1,
    0,
    -1,
    4194304,
    10,
    0,
    0,
    0,
    utime,
    stime,
    7,
    8,
    20,
    0,
    11,
    0,
    starttime,
    123456,
    789,
  ];
  return `${pid} (${comm}) ${fields.join(' ')}\n`;
}

describe('parseProcStat', () => {
  it('reads ppid, utime, stime, cutime+cstime and starttime by field position', () => {
    const stat = parseProcStat(statLine(4242, 'node', 1500, 250, 987654));
    expect(stat).toEqual({
      pid: 4242,
      comm: 'node',
      state: 'S',
      ppid: 1,
      utimeTicks: 1500,
      stimeTicks: 250,
      reapedChildrenTicks: 15,
      startTimeTicks: 987654,
    });
  });

  it.each([
    ['spaces', 'File Sync Helper'],
    ['parentheses', 'my (weird) app'],
    ['a closing paren then digits', 'x) 1 2 3 ('],
    ['only parens', ')))'],
    ['empty', ''],
  ])('handles a comm with %s', (_label, comm) => {
    const stat = parseProcStat(statLine(7, comm, 11, 22, 33));
    expect(stat.comm).toBe(comm);
    expect([stat.utimeTicks, stat.stimeTicks, stat.startTimeTicks]).toEqual([11, 22, 33]);
  });

  it('rejects truncated or garbled lines with a clear error', () => {
    expect(() => parseProcStat('12 (node) S 1 2 3')).toThrow(ProcStatParseError);
    expect(() => parseProcStat('garbage')).toThrow(ProcStatParseError);
    const bad = statLine(1, 'a', 1, 2, 3).split(' ');
    bad[13] = 'NaN';
    expect(() => parseProcStat(bad.join(' '))).toThrow(/field 14/);
  });

  it('parses this process\u2019s real /proc stat on Linux', async () => {
    if (process.platform !== 'linux') return;
    const { readFile } = await import('node:fs/promises');
    const stat = parseProcStat(await readFile('/proc/self/stat', 'utf8'));
    expect(stat.pid).toBe(process.pid);
    expect(stat.startTimeTicks).toBeGreaterThan(0);
  });
});
