import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { repoPath } from '../../src/stack/index.js';

/** A child that keeps one core busy (`busy`) or sleeps (`idle`): targets of known CPU load. */
export function loadProcess(kind: 'busy' | 'idle'): ChildProcess {
  const script = kind === 'busy' ? 'for(;;){}' : 'setInterval(() => {}, 1e6)';
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

/** The real watchdog CLI (bin/filesfu-watchdog.mjs), as a user would run it. */
export function watchdogProcess(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [repoPath('bin', 'filesfu-watchdog.mjs'), ...args], {
    cwd: repoPath(),
    env: { ...process.env, FILESFU_WATCHDOG_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output, for assertion messages. */
export function captureOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Sends JSON lines to a watchdog's stage socket, as the desktop app does. */
export function sendStageLines(socketPath: string, lines: object[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath, () => {
      socket.end(lines.map((line) => JSON.stringify(line)).join('\n') + '\n', () => resolve());
    });
    socket.once('error', reject);
  });
}
