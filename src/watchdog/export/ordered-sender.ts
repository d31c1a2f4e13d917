// The single sender loop: spool entries leave IN ORDER, ONE AT A TIME (the gateway's dedup contract,
// docs/metrics.md §1). An entry is removed only after a 2xx; retryable failures block the queue (and
// the live data queued behind it) until they succeed; permanent failures go to the dead-letter store.
// The loop never rejects and all its timers are unref()'d.
import { describeError, silentLogger, type Logger } from '../log.js';
import type { Spool, SpoolEntry } from '../spool/index.js';
import type { Poster } from './http-poster.js';
import { readPartialSuccess } from './partial-success.js';
import { classifyResult, DEFAULT_RETRY, type RetrySettings } from './retry-policy.js';

export interface OrderedSenderOptions {
  spool: Spool | Promise<Spool>;
  post: Poster;
  retry?: Partial<RetrySettings>;
  logger?: Logger;
  /** Awaited once before the first send (replay consent). */
  gate?: () => Promise<void>;
  random?: () => number;
  /** Waits between retries; injectable so tests can observe requested delays without waiting. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface SenderStats {
  delivered: number;
  deadLettered: number;
  retries: number;
  rejectedDataPoints: number;
  lastError: string | undefined;
}

export class OrderedSender {
  private readonly retry: RetrySettings;
  private readonly logger: Logger;
  private readonly random: () => number;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private idle = false;
  private readonly stopSignal = new AbortController();
  readonly stats: SenderStats = {
    delivered: 0,
    deadLettered: 0,
    retries: 0,
    rejectedDataPoints: 0,
    lastError: undefined,
  };

  constructor(private readonly options: OrderedSenderOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** New data was spooled: if the loop waits for data, send now (the live fast path). */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Resolves true once the spool is empty and nothing is in flight, false after timeoutMs. */
  async drain(timeoutMs: number): Promise<boolean> {
    const spool = await this.options.spool;
    if (this.idle && spool.backlog().entries === 0) return true;
    this.start();
    this.wake();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const onIdle = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** Stops after the request in flight (if any); unsent entries stay in the spool. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      const spool = await this.options.spool;
      // A pending consent (ask-file may wait an hour) must not block stop().
      if (this.options.gate) await Promise.race([this.options.gate(), this.stopped$()]);
      let failures = 0;
      while (!this.stopped) {
        const entry = spool.oldest();
        if (!entry) {
          await this.waitForData();
          continue;
        }
        this.idle = false;
        try {
          failures = await this.sendOne(spool, entry, failures);
        } catch (err) {
          // Unexpected (e.g. spool directory removed under us): keep the loop alive, back off.
          failures += 1;
          this.stats.lastError = describeError(err);
          this.logger.error('export.sender_error', { error: this.stats.lastError, seq: entry.seq });
          await this.sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * failures));
        }
      }
    } catch (err) {
      this.logger.error('export.sender_stopped', { error: describeError(err) });
    }
  }

  /** @returns the consecutive failure count after this attempt. */
  private async sendOne(spool: Spool, entry: SpoolEntry, failures: number): Promise<number> {
    let payload: Uint8Array;
    try {
      payload = await spool.read(entry);
    } catch (err) {
      this.stats.deadLettered += 1;
      this.logger.error('export.spool_entry_unreadable', { seq: entry.seq, error: describeError(err) });
      await spool.deadLetter(entry, `unreadable: ${describeError(err)}`);
      return 0;
    }
    const result = await this.options.post(payload);
    const outcome = classifyResult(result, failures + 1, this.retry, this.random);
    if (outcome.action === 'delivered') {
      if (result.kind === 'response') this.notePartialSuccess(result.body, result.contentType, entry);
      await spool.remove(entry);
      this.stats.delivered += 1;
      if (failures > 0) this.logger.info('export.recovered', { afterFailures: failures });
      return 0;
    }
    if (outcome.action === 'dead-letter') {
      this.stats.deadLettered += 1;
      this.logger.error('export.dead_letter', { seq: entry.seq, reason: outcome.reason, bytes: entry.bytes });
      await spool.deadLetter(entry, outcome.reason);
      return 0;
    }
    this.stats.retries += 1;
    this.stats.lastError =
      result.kind === 'network-error' ? `network-error: ${describeError(result.error)}` : outcome.reason;
    const log = failures === 0 ? this.logger.warn : this.logger.debug;
    log('export.retry', {
      seq: entry.seq,
      reason: this.stats.lastError,
      delayMs: outcome.delayMs,
      failures: failures + 1,
    });
    await this.sleep(outcome.delayMs);
    return failures + 1;
  }

  private notePartialSuccess(body: Uint8Array, contentType: string, entry: SpoolEntry): void {
    const partial = readPartialSuccess(body, contentType);
    if (!partial) return;
    this.stats.rejectedDataPoints += partial.rejectedDataPoints;
    this.logger.warn('export.partial_success', { seq: entry.seq, ...partial });
  }

  private waitForData(): Promise<void> {
    this.idle = true;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private stopped$(): Promise<void> {
    const signal = this.stopSignal.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.delay ?? abortableDelay)(ms, this.stopSignal.signal);
  }
}

// stop() must not wait out a long Retry-After; new data (wake) must not cut a backoff short.
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
