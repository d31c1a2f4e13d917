// Reads the watched process and its descendants from Linux procfs, for TreeCpuAccount.
//
// Descendants are found through /proc/<pid>/task/<tid>/children (the children each thread forked;
// Linux >= 3.5 with CONFIG_PROC_CHILDREN, which every mainstream distribution enables). Where that
// file does not exist, every /proc/<pid>/stat is read once per reading to find parents (costlier).
// procfs files are generated from kernel memory and never wait on a disk, so they are read
// synchronously: one reading is many tiny files, and synchronous reads cost a fraction of the CPU of
// as many promises.
import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, type ProcStat } from './proc-stat.js';
import type { ProcessReading } from './tree-cpu-account.js';

/** Most processes one reading visits; a runaway fork loop must not make one sample unbounded. */
export const MAX_TREE_PROCESSES = 1024;

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

function readStat(procRoot: string, pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/** Children of one process from its threads' children files; undefined when the kernel has none. */
function childrenOf(procRoot: string, pid: number): number[] | undefined {
  let threads: string[];
  try {
    threads = readdirSync(`${procRoot}/${pid}/task`);
  } catch (err) {
    if (isGone(err)) return [];
    throw err;
  }
  const children: number[] = [];
  for (const tid of threads) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${pid}/task/${tid}/children`, 'utf8');
    } catch (err) {
      if (!isGone(err)) throw err;
      if (tid === String(pid)) return undefined; // the main thread lives: the kernel lacks the file
      continue; // a thread that just exited
    }
    for (const field of text.split(' ')) if (field.trim() !== '') children.push(Number(field));
  }
  return children;
}

/** Every process's children, by scanning all of /proc (the fallback). */
function childrenByScan(procRoot: string): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(procRoot, Number(name));
    if (!stat) continue;
    const siblings = byParent.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else byParent.set(stat.ppid, [stat.pid]);
  }
  return byParent;
}

export interface TreeReading {
  root: ProcStat;
  processes: ProcessReading[];
}

/**
 * The root process's stat (undefined when it is gone) and the readings of it and its descendants,
 * breadth first so that every parent is read before its children.
 */
export function readProcessTree(procRoot: string, rootPid: number): TreeReading | undefined {
  const root = readStat(procRoot, rootPid);
  if (!root) return undefined;
  const keys = new Map<number, string>();
  const processes: ProcessReading[] = [];
  let scanned: Map<number, number[]> | undefined;
  const queue: ProcStat[] = [root];
  for (let stat = queue.shift(); stat; stat = queue.shift()) {
    const key = `${stat.pid}@${stat.startTimeTicks}`;
    keys.set(stat.pid, key);
    processes.push({
      key,
      parentKey: stat.pid === rootPid ? undefined : keys.get(stat.ppid),
      ownTicks: stat.utimeTicks + stat.stimeTicks,
      reapedTicks: stat.reapedChildrenTicks,
    });
    let children = scanned ? scanned.get(stat.pid) : childrenOf(procRoot, stat.pid);
    if (children === undefined && !scanned) {
      scanned = childrenByScan(procRoot);
      children = scanned.get(stat.pid);
    }
    for (const pid of children ?? []) {
      if (keys.has(pid) || processes.length + queue.length >= MAX_TREE_PROCESSES) continue;
      const child = readStat(procRoot, pid);
      // Only a process whose parent is this one: a pid reused since the listing belongs elsewhere.
      if (child && child.ppid === stat.pid) queue.push(child);
    }
  }
  return { root, processes };
}
