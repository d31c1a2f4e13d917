// Turns cumulative CPU time into one utilization sample per period, normalised to 0..1 by the number of
// logical CPUs (OTel semconv process.cpu.utilization).
//
// Glitches it guards against:
// - The first reading has no predecessor: it only establishes a baseline, no sample is recorded.
// - A suspended machine (laptop lid closed) makes the wall clock jump while CPU time stands still; a
//   sample over that gap would be a meaningless near-zero average. When the wall delta exceeds
//   SUSPEND_FACTOR × the interval, the sampler re-baselines instead of recording.
// - CPU time going backwards (a different process behind the same pid) also re-baselines.
import { describeError, silentLogger, type Logger } from '../log.js';
import { logicalCpuCount } from './logical-cpus.js';
import { ProcessGoneError, type CpuTimeSource } from './cpu-source.js';

/** A wall delta above this multiple of the sampling interval is treated as a suspend/resume gap. */
export const SUSPEND_FACTOR = 3;

export interface CpuSamplerOptions {
  source: CpuTimeSource;
  sampleIntervalMs: number;
  onSample: (utilization: number) => void;
  /** Called once, after the watched process is gone; the sampler has stopped itself by then. */
  onProcessGone: (err: ProcessGoneError) => void;
  logger?: Logger;
  /** Injectable for tests. */
  cpuCount?: number;
  nowNs?: () => bigint;
}

export interface CpuSamplerStats {
  samples: number;
  rebaselines: number;
  readErrors: number;
}

/** utilization = CPU seconds / wall seconds / logical CPUs, clamped to [0, 1]. */
export function normaliseUtilization(cpuSeconds: number, wallSeconds: number, cpuCount: number): number {
  if (!(wallSeconds > 0) || !(cpuCount > 0) || !Number.isFinite(cpuSeconds)) return 0;
  const value = cpuSeconds / wallSeconds / cpuCount;
  return Math.min(1, Math.max(0, value));
}

export class CpuSampler {
  private readonly cpuCount: number;
  private readonly nowNs: () => bigint;
  private readonly logger: Logger;
  private baseline: { cpuSeconds: number; atNs: bigint } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;
  readonly stats: CpuSamplerStats = { samples: 0, rebaselines: 0, readErrors: 0 };

  constructor(private readonly options: CpuSamplerOptions) {
    // The same count the resource exports (filesfu.host.cpu.logical_count): see logicalCpuCount().
    this.cpuCount = options.cpuCount ?? logicalCpuCount();
    this.nowNs = options.nowNs ?? (() => process.hrtime.bigint());
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.sampleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sampling step. Never rejects; overlapping calls are coalesced (a slow read skips a tick). */
  async tick(): Promise<void> {
    if (this.inFlight || this.stopped) return;
    this.inFlight = true;
    try {
      const cpuSeconds = await this.options.source.readCpuSeconds();
      if (this.stopped) return;
      this.observe(cpuSeconds, this.nowNs());
    } catch (err) {
      if (err instanceof ProcessGoneError) {
        if (!this.stopped) {
          this.stop();
          this.options.onProcessGone(err);
        }
        return;
      }
      this.stats.readErrors += 1;
      this.logger.warn('cpu.read_failed', {
        error: describeError(err),
        source: this.options.source.description,
      });
    } finally {
      this.inFlight = false;
    }
  }

  private observe(cpuSeconds: number, atNs: bigint): void {
    const previous = this.baseline;
    this.baseline = { cpuSeconds, atNs };
    if (!previous) return;
    const wallSeconds = Number(atNs - previous.atNs) / 1e9;
    const cpuDelta = cpuSeconds - previous.cpuSeconds;
    const suspended = wallSeconds * 1000 > SUSPEND_FACTOR * this.options.sampleIntervalMs;
    if (suspended || cpuDelta < 0 || wallSeconds <= 0) {
      this.stats.rebaselines += 1;
      this.logger.info('cpu.rebaseline', {
        wallSeconds,
        cpuDelta,
        reason: suspended ? 'clock-jump' : 'cpu-time',
      });
      return;
    }
    this.stats.samples += 1;
    this.options.onSample(normaliseUtilization(cpuDelta, wallSeconds, this.cpuCount));
  }
}
