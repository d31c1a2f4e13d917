// One measured load run against one server, shared by `npm run bench:gateway` and
// `npm run bench:gateway-ab`: a load-generator process (bench/gateway-load.ts) sends the job, and the
// server's CPU is read around the timed window only.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadMessage } from './gateway-load.js';
import { cpuSeconds, tracked, type Target } from './gateway-targets.js';

export interface RunResult {
  pointsPerSecond: number;
  requestsPerSecond: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  points: number;
  failures: number;
  latenciesMs: number[];
}

/** Runs `job` against `target` from a fresh load-generator process; rejects if that process crashes. */
export async function measure(target: Target, job: LoadJob): Promise<RunResult> {
  const load = tracked(
    fork(fileURLToPath(new URL('./gateway-load.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  // Registered before anything is sent: the child's 'exit' can be emitted before its last IPC
  // message is delivered, and a listener added after 'done' would then wait forever.
  const exited = new Promise<number | null>((resolve) => load.once('exit', resolve));
  const serverPid = target.child.pid as number;
  let cpuAtStart = 0;
  let loadCpuAtStart = 0;
  const done = await new Promise<Extract<LoadMessage, { type: 'done' }>>((resolve, reject) => {
    load.on('message', (message: LoadMessage) => {
      if (message.type === 'started') {
        cpuAtStart = cpuSeconds(serverPid);
        loadCpuAtStart = cpuSeconds(load.pid as number);
      } else resolve(message);
    });
    void exited.then((code) => {
      // After a clean exit, 'done' may still be in flight; a crash never sends it.
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    load.send(job);
  });
  const serverCpuSeconds = cpuSeconds(serverPid) - cpuAtStart;
  const loadCpuSeconds = cpuSeconds(load.pid as number) - loadCpuAtStart;
  await exited;
  const failures = Object.entries(done.statuses)
    .filter(([status]) => status !== '200')
    .reduce((n, [, count]) => n + count, 0);
  return {
    pointsPerSecond: done.points / (done.elapsedMs / 1000),
    requestsPerSecond: (job.requests - failures) / (done.elapsedMs / 1000),
    serverCpuSeconds,
    loadCpuSeconds,
    points: done.points,
    failures,
    latenciesMs: done.latenciesMs,
  };
}

/** Data points per second of one fully busy core of the server (its CPU over the timed window). */
export function pointsPerCpuSecond(run: RunResult): number {
  return run.points / Math.max(run.serverCpuSeconds, 1e-6);
}
