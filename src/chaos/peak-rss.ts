import { readFileSync } from 'node:fs';

/** Polls the resident set size of a process (Linux /proc), keeping the highest seen. */
export class PeakRss {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: () => number | undefined, intervalMs = 200) {
    this.timer = setInterval(() => {
      const current = rssBytes(pid());
      if (current > this.peakBytes) this.peakBytes = current;
    }, intervalMs);
    this.timer.unref();
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakBytes;
  }
}

function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kib === undefined ? 0 : Number(kib) * 1024;
  } catch {
    return 0; // not running right now (restarting), or not Linux
  }
}
