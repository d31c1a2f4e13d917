// Parsing of Linux /proc/<pid>/stat (proc(5)). The second field, comm, is the executable name in
// parentheses and may itself contain spaces and parentheses ("(my (weird) app)"), so fields are counted
// from the LAST ')' in the line, never by splitting the whole line on spaces.

export interface ProcStat {
  pid: number;
  comm: string;
  /** Field 3, e.g. 'R', 'S', 'Z'. */
  state: string;
  /** Field 4: the parent's pid. */
  ppid: number;
  /** Field 14: user-mode CPU time in clock ticks. */
  utimeTicks: number;
  /** Field 15: kernel-mode CPU time in clock ticks. */
  stimeTicks: number;
  /** Fields 16+17: CPU time of this process's children that it has waited for (reaped), in ticks. */
  reapedChildrenTicks: number;
  /** Field 22: process start time in clock ticks after boot; with the pid it identifies one process run. */
  startTimeTicks: number;
}

export class ProcStatParseError extends Error {
  override readonly name = 'ProcStatParseError';
}

// Field numbers per proc(5), counted from 1; field 3 is the first one after the comm's closing ')'.
const FIRST_FIELD_AFTER_COMM = 3;
const UTIME_FIELD = 14;
const STIME_FIELD = 15;
const PPID_FIELD = 4;
const CUTIME_FIELD = 16;
const CSTIME_FIELD = 17;
const STARTTIME_FIELD = 22;

export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new ProcStatParseError('no "(comm)" in /proc stat line');
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number): string => {
    const value = rest[n - FIRST_FIELD_AFTER_COMM];
    if (value === undefined) throw new ProcStatParseError(`/proc stat line has no field ${n}`);
    return value;
  };
  const ticks = (n: number): number => {
    const value = Number(field(n));
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ProcStatParseError(`/proc stat field ${n} is not a tick count: ${field(n)}`);
    }
    return value;
  };
  if (!Number.isSafeInteger(pid)) throw new ProcStatParseError('/proc stat line does not start with a pid');
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: field(3),
    ppid: ticks(PPID_FIELD),
    utimeTicks: ticks(UTIME_FIELD),
    stimeTicks: ticks(STIME_FIELD),
    reapedChildrenTicks: ticks(CUTIME_FIELD) + ticks(CSTIME_FIELD),
    startTimeTicks: ticks(STARTTIME_FIELD),
  };
}
