// Where CPU time comes from. The sampler only needs "total CPU seconds so far" and "has the process
// gone", so each platform plugs in one small source:
// - Linux, by pid: /proc/<pid>/stat (exact, tick resolution, no child process spawned); with
//   `processTree` (the default) the watched process's descendants too (procfs-tree.ts, tree-cpu-account.ts).
// - the watchdog's own process (`self`, when embedded as a library): process.cpuUsage(); on Linux with
//   `processTree`, procfs for this process and its descendants instead.
// - macOS / Windows, by pid: pidusage (the process alone: it has no portable way to list descendants), which shells out to `ps` / `wmic` (or reads the PowerShell
//   equivalent) on every read. Coarser: `ps` reports CPU time at 10 ms-1 s resolution depending on the
//   platform and each read costs a process spawn, so prefer sampleIntervalMs >= 1 s there.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { clockTicksPerSecond } from './clock-ticks.js';
import { parseProcStat } from './proc-stat.js';
import { readProcessTree } from './procfs-tree.js';
import { TreeCpuAccount } from './tree-cpu-account.js';

/** The watched process no longer exists (exited, reaped, or its pid was reused by another process). */
export class ProcessGoneError extends Error {
  override readonly name = 'ProcessGoneError';
}

export interface CpuTimeSource {
  readonly description: string;
  /** User + system CPU time consumed so far, in seconds. Rejects with ProcessGoneError once it exited. */
  readCpuSeconds(): Promise<number>;
  /** An opaque id of this process run (pid + start time), stable while the process lives. */
  processRunId(): Promise<string>;
  close(): void;
}

export type CpuTarget = number | 'self';

export interface CpuSourceOptions {
  /** Add the CPU time of the process's descendants (Linux only; elsewhere the process alone). */
  processTree?: boolean;
}

export function createCpuSource(
  target: CpuTarget,
  platform: NodeJS.Platform = process.platform,
  options: CpuSourceOptions = {},
): CpuTimeSource {
  const processTree = options.processTree ?? false;
  if (target === 'self') {
    return platform === 'linux' && processTree
      ? new ProcfsCpuSource(process.pid, '/proc', { processTree })
      : new SelfCpuSource();
  }
  if (platform === 'linux') return new ProcfsCpuSource(target, '/proc', { processTree });
  return new PidusageCpuSource(target);
}

function isGoneErrno(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

export class ProcfsCpuSource implements CpuTimeSource {
  readonly description: string;
  private startTimeTicks: number | undefined;
  private readonly tree: TreeCpuAccount | undefined;

  constructor(
    private readonly pid: number,
    private readonly procRoot = '/proc',
    options: CpuSourceOptions = {},
  ) {
    this.tree = options.processTree ? new TreeCpuAccount() : undefined;
    this.description = `procfs pid ${pid}${this.tree ? ' and descendants' : ''}`;
  }

  private checkRun(stat: ReturnType<typeof parseProcStat>): void {
    // A zombie has already exited; only its parent has not reaped it yet.
    if (stat.state === 'Z' || stat.state === 'X') throw new ProcessGoneError(`process ${this.pid} exited`);
    if (this.startTimeTicks === undefined) this.startTimeTicks = stat.startTimeTicks;
    else if (stat.startTimeTicks !== this.startTimeTicks) {
      throw new ProcessGoneError(`process ${this.pid} exited and its pid was reused`);
    }
  }

  private async readStat(): Promise<ReturnType<typeof parseProcStat>> {
    let text: string;
    try {
      text = await readFile(`${this.procRoot}/${this.pid}/stat`, 'utf8');
    } catch (err) {
      if (isGoneErrno(err)) throw new ProcessGoneError(`process ${this.pid} exited`, { cause: err });
      throw err;
    }
    const stat = parseProcStat(text);
    this.checkRun(stat);
    return stat;
  }

  async readCpuSeconds(): Promise<number> {
    if (this.tree) return this.readTreeSeconds(this.tree);
    const stat = await this.readStat();
    return (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond();
  }

  /** The tree's CPU seconds since the first reading (monotonic: see TreeCpuAccount). */
  private readTreeSeconds(tree: TreeCpuAccount): number {
    const reading = readProcessTree(this.procRoot, this.pid);
    if (!reading) throw new ProcessGoneError(`process ${this.pid} exited`);
    this.checkRun(reading.root);
    return tree.update(reading.processes) / clockTicksPerSecond();
  }

  async processRunId(): Promise<string> {
    const stat = await this.readStat();
    return `${this.pid}@${stat.startTimeTicks}`;
  }

  close(): void {}
}

export class SelfCpuSource implements CpuTimeSource {
  readonly description = 'self (process.cpuUsage)';

  readCpuSeconds(): Promise<number> {
    const usage = process.cpuUsage();
    return Promise.resolve((usage.user + usage.system) / 1e6);
  }

  processRunId(): Promise<string> {
    return Promise.resolve(`${process.pid}@${Math.round(performance.timeOrigin)}`);
  }

  close(): void {}
}

/** How far apart (seconds) two ps-derived start times of one process run may be. */
const PS_START_TOLERANCE_SECONDS = 2;

interface PidusageStat {
  /** Total CPU time in ms. */
  ctime: number;
  /** ms since the process started. */
  elapsed: number;
  /** ms since epoch when the stat was taken. */
  timestamp: number;
}
interface Pidusage {
  (pid: number): Promise<PidusageStat>;
  clear(): void;
}

let pidusageModule: Pidusage | undefined;
function loadPidusage(): Pidusage {
  // Lazy: Linux never loads it.
  pidusageModule ??= createRequire(import.meta.url)('pidusage') as Pidusage;
  return pidusageModule;
}

export class PidusageCpuSource implements CpuTimeSource {
  readonly description: string;

  constructor(private readonly pid: number) {
    this.description = `pidusage pid ${pid}`;
  }

  private async stat(): Promise<PidusageStat> {
    try {
      return await loadPidusage()(this.pid);
    } catch (err) {
      if (isGoneErrno(err) || /no matching pid/i.test(String((err as Error | undefined)?.message))) {
        throw new ProcessGoneError(`process ${this.pid} exited`, { cause: err });
      }
      throw err;
    }
  }

  async readCpuSeconds(): Promise<number> {
    return (await this.stat()).ctime / 1000;
  }

  async processRunId(): Promise<string> {
    const stat = await this.stat();
    // Start time = now − elapsed. ps reports elapsed in whole seconds and `timestamp` is taken after
    // ps returns, so two readings of one run can differ by a second or so: the `~` tolerance tells
    // sameProcessRun to accept that (a pid reused within it is not a realistic case).
    const startSeconds = Math.round((stat.timestamp - stat.elapsed) / 1000);
    return `${this.pid}@${startSeconds}~${PS_START_TOLERANCE_SECONDS}`;
  }

  close(): void {
    pidusageModule?.clear();
  }
}
