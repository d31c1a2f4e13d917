import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';

export interface ManagedProcessOptions {
  /** Short name used in logs and errors, e.g. "collector". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Combined stdout+stderr go here, so failures can be diagnosed after the fact. */
  logFile: string;
  /** Also echo output to this process' stderr, prefixed with the name. */
  echo?: boolean;
  /** How long a SIGTERM may take before SIGKILL (ms). */
  stopGraceMs?: number;
}

// Children we started and have not seen exit. If this process dies (test crash, Ctrl-C twice),
// the exit hook kills them so no collector, Prometheus or Redis outlives us.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A child process with a log file, an exit promise and a bounded, escalating stop. */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exitPromise: Promise<number | null> = Promise.resolve(null);
  private log: WriteStream | undefined;

  constructor(private readonly options: ManagedProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    installExitHook();
    const { command, args, env, cwd, echo } = this.options;
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    // Own process group: a terminal's Ctrl-C reaches only the stack, which then stops the children in
    // order (gateways drain into a collector that is still up), instead of all of them at once.
    const child = spawn(command, args, {
      env: env ?? process.env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    live.add(child);
    const forward = (chunk: Buffer) => {
      this.log?.write(chunk);
      if (echo) process.stderr.write(prefixLines(`[${this.name}] `, chunk.toString('utf8')));
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    this.exitPromise = new Promise((resolve) => {
      child.once('error', (error) => {
        this.log?.write(`\n[stack] failed to start ${command}: ${error.message}\n`);
        live.delete(child);
        resolve(null);
      });
      child.once('exit', (code) => {
        live.delete(child);
        resolve(code);
      });
    });
  }

  /** Resolves with the exit code once the process has exited (null when killed by a signal). */
  exited(): Promise<number | null> {
    return this.exitPromise;
  }

  /** Sends `signal`, escalates to SIGKILL after the grace period, resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(signal);
    const grace = this.options.stopGraceMs ?? 10_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    timer.unref();
    await this.exitPromise;
    clearTimeout(timer);
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
  }

  /** The last `lines` lines of the log, for error messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

function prefixLines(prefix: string, text: string): string {
  return text
    .split('\n')
    .map((line, index, all) => (line === '' && index === all.length - 1 ? '' : prefix + line))
    .join('\n');
}
