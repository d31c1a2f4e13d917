// CPU of the stack's processes during a load step, to say WHAT limits the gateway: the gateway
// itself, the collector, Prometheus or Redis (or the driver, which shares the machine). Uses the
// watchdog's CPU time sources (procfs on Linux), read at the start and end of each window.
import { createCpuSource, type CpuTimeSource } from '../watchdog/cpu/index.js';

export interface WatchedProcess {
  name: string;
  pid: number;
}

export interface CpuReading {
  name: string;
  /** Average cores busy over the window (1 = one core fully used). */
  cores: number;
}

export class ProcessCpuMonitor {
  private readonly sources: Array<{ name: string; source: CpuTimeSource; last: number | undefined }>;
  private windowStartMs = Date.now();

  constructor(processes: WatchedProcess[]) {
    this.sources = [...processes, { name: 'load-driver', pid: 0 }].map(({ name, pid }) => ({
      name,
      source: createCpuSource(pid === 0 ? 'self' : pid),
      last: undefined,
    }));
  }

  /** Ends the current window: average cores per process since the previous call. */
  async take(): Promise<CpuReading[]> {
    const now = Date.now();
    const seconds = (now - this.windowStartMs) / 1000;
    this.windowStartMs = now;
    const readings: CpuReading[] = [];
    for (const entry of this.sources) {
      let current: number | undefined;
      try {
        current = await entry.source.readCpuSeconds();
      } catch {
        current = undefined; // exited or unreadable: no reading rather than a crash
      }
      if (current !== undefined && entry.last !== undefined && seconds > 0) {
        readings.push({ name: entry.name, cores: (current - entry.last) / seconds });
      }
      entry.last = current;
    }
    return readings;
  }

  stop(): void {
    for (const entry of this.sources) entry.source.close();
  }
}
