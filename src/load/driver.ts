// The Node load driver: the k6 scenarios at CI size, runnable here without k6.
//
// ingest — N sessions, each exporting one realistic interval every exportInterval (staggered).
// attack — every export claims a fresh random version and session id (cardinality attack).
// soak   — ingest, reported per window so drift (latency, memory) shows up over time.
//
// Each session's payload is encoded once as a template and patched per export (new start/end
// timestamps; start = previous end), so every request is a genuine new DELTA interval and never a
// deduplicated retry. The driver never retries (it measures the gateway, it does not queue), so
// its sample ledger puts every recorded export's samples either in acknowledged or in a named loss.
import { randomInt } from 'node:crypto';
import { createRandom, intervalSamples, loadSessionIdentity } from './load-fleet.js';
import { HttpSender } from './http-sender.js';
import { WindowRecorder, classifyStatus, type WindowStats } from './latency.js';
import {
  fillJsonTemplate,
  jsonTemplate,
  patchProtobuf,
  protobufTemplate,
  type ProtobufTemplate,
} from './payload-templates.js';
import { rejectedDataPoints } from './partial-success.js';
import { SampleLedger, type Batch, type LedgerSnapshot, type LossCause } from './sample-ledger.js';
import { msToNanos } from './session-export.js';

export type LoadMode = 'ingest' | 'attack' | 'soak';

export interface LoadRunOptions {
  mode: LoadMode;
  /** Gateway base URL (…/v1/metrics is appended) . */
  url: string;
  sessions: number;
  durationMs: number;
  /** Real time between one session's exports (the watchdog default is 10 s). */
  exportIntervalMs: number;
  /** Samples per export; default one per second of the interval. */
  samplesPerExport?: number;
  tokenFor: (installId: string) => string;
  /** Wire format; attack always uses OTLP/JSON (its version is templated text). Default protobuf. */
  format?: 'protobuf' | 'json';
  /** Requests the driver keeps outstanding at most; beyond it exports are skipped and counted. */
  maxInFlight?: number;
  requestTimeoutMs?: number;
  /** Report a window every windowMs (default: one window = the whole run). */
  windowMs?: number;
  onWindow?: (stats: WindowStats, index: number) => void;
  /**
   * The fleet's join (ms from the start): every session's first export, with a new token, a new
   * connection and new state in the gateway. Requests sent before it are recorded in `joining` and
   * left out of `total`, so that `total` is the steady state. Default 0 (everything in `total`).
   */
  joinMs?: number;
  /** Called once when the join is over (e.g. to start a CPU measurement of the steady state). */
  onJoined?: () => void;
  /** Seed of identities and samples; default: a random one (every run a new fleet). */
  seed?: number;
  signal?: AbortSignal;
}

export interface LoadRunResult {
  mode: LoadMode;
  sessions: number;
  exportIntervalMs: number;
  /** Steady state: requests sent after the join (see LoadRunOptions.joinMs). */
  total: WindowStats;
  /** Requests sent during the join; undefined when joinMs is 0. */
  joining: WindowStats | undefined;
  windows: WindowStats[];
  /**
   * Where the samples of every due export went, join included: acknowledged (accepted or rejected
   * by partial success) or lost by cause; pending is 0 once the run returned.
   */
  samples: LedgerSnapshot;
}

interface DriverSession {
  installId: string;
  token: string;
  sessionId: string;
  lastEndMs: number;
  /** What one export carries: its samples and histogram points (one per stage). */
  batch: Batch;
  protobuf: ProtobufTemplate | undefined;
  json: string | undefined;
}

const TICK_MS = 20;

export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  // A fresh seed per run by default: two runs against the same gateway must not reuse session ids.
  const random = createRandom(options.seed ?? randomInt(2 ** 31));
  const format = options.mode === 'attack' ? 'json' : (options.format ?? 'protobuf');
  const samplesPerExport =
    options.samplesPerExport ?? Math.max(1, Math.round(options.exportIntervalMs / 1000));
  const sender = new HttpSender(
    `${options.url.replace(/\/$/, '')}/v1/metrics`,
    options.requestTimeoutMs ?? 10_000,
    options.maxInFlight ?? 512,
  );
  const maxInFlight = options.maxInFlight ?? 512;
  let startMs = Date.now();

  const sessions: DriverSession[] = Array.from({ length: options.sessions }, () => {
    const identity = loadSessionIdentity(random);
    const stages = intervalSamples(random, samplesPerExport);
    return {
      installId: identity.installId,
      token: options.tokenFor(identity.installId),
      sessionId: identity.sessionId,
      lastEndMs: startMs - options.exportIntervalMs,
      batch: { samples: samplesPerExport, points: stages.length },
      protobuf: format === 'protobuf' ? protobufTemplate(identity, stages) : undefined,
      json: format === 'json' ? jsonTemplate(identity, stages) : undefined,
    };
  });

  // The clock starts after the (synchronous) template encoding, or the first tick would fire every
  // export "missed" meanwhile in one burst and measure the driver instead of the gateway.
  startMs = Date.now();
  for (const session of sessions) session.lastEndMs = startMs - options.exportIntervalMs;
  const window = new WindowRecorder();
  const joinMs = options.joinMs ?? 0;
  const joining = joinMs > 0 ? new WindowRecorder() : undefined;
  let total = new WindowRecorder();
  let joined = joining === undefined;
  const windows: WindowStats[] = [];
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const ledger = new SampleLedger();

  const exportOnce = (session: DriverSession): void => {
    const recorder = joined ? total : (joining as WindowRecorder);
    const batch = session.batch;
    ledger.record(batch);
    if (inFlight >= maxInFlight) {
      window.skip();
      recorder.skip();
      ledger.lose(batch, 'skipped');
      return;
    }
    const now = Date.now();
    if (options.mode === 'attack') session.sessionId = random.uuid();
    const startNs = msToNanos(session.lastEndMs);
    const endNs = msToNanos(Math.max(now, session.lastEndMs + 1));
    session.lastEndMs = Math.max(now, session.lastEndMs + 1);
    const body = session.protobuf
      ? patchProtobuf(session.protobuf, session.sessionId, startNs, endNs)
      : fillJsonTemplate(session.json ?? '', {
          sessionId: session.sessionId,
          startNs,
          timeNs: endNs,
          version: options.mode === 'attack' ? randomVersion(random) : '6.5.0',
        });
    const contentType = session.protobuf ? 'application/x-protobuf' : 'application/json';
    inFlight += 1;
    const sent = sender.post(body, contentType, session.token).then((result) => {
      inFlight -= 1;
      let outcome = result.status === 'network' ? 'error' : classifyStatus(result.status);
      let error = result.error;
      if (outcome === 'ok') {
        try {
          ledger.acknowledge(batch, rejectedDataPoints(result.body, result.contentType));
        } catch (decodeError) {
          outcome = 'error';
          error = `2xx answer without a readable partial success: ${(decodeError as Error).message}`;
          ledger.lose(batch, 'failed');
        }
      } else {
        ledger.lose(batch, lossCause(result.status));
      }
      const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      window.record(outcome, result.status, result.latencyMs, bytes, error);
      recorder.record(outcome, result.status, result.latencyMs, bytes, error);
    });
    const tracked = sent.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  await new Promise<void>((resolve) => {
    let fired = 0;
    let lastWindowMs = startMs;
    const tick = (): void => {
      const now = Date.now();
      if (!joined && now - startMs >= joinMs) {
        joined = true;
        total = new WindowRecorder(); // its clock starts now
        options.onJoined?.();
      }
      // Session i exports at startMs + (i / N + k) × interval: an even spread, no thundering herd.
      const due = Math.floor(((now - startMs) / options.exportIntervalMs) * sessions.length);
      for (; fired < due; fired++) {
        const session = sessions[fired % sessions.length];
        if (session) exportOnce(session);
      }
      if (options.windowMs !== undefined && now - lastWindowMs >= options.windowMs) {
        lastWindowMs = now;
        const stats = window.take();
        windows.push(stats);
        options.onWindow?.(stats, windows.length - 1);
      }
    };
    const interval = setInterval(tick, TICK_MS);
    const stop = (): void => {
      clearInterval(interval);
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timeout = setTimeout(stop, joinMs + options.durationMs);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });

  await Promise.all([...pending]);
  sender.close();
  // The last (possibly partial) window, unless it is empty because a window just closed.
  const last = window.take();
  if (options.windowMs === undefined || windows.length === 0 || last.requests + last.skipped > 0) {
    const stats = last;
    windows.push(stats);
    options.onWindow?.(stats, windows.length - 1);
  }
  return {
    mode: options.mode,
    sessions: options.sessions,
    exportIntervalMs: options.exportIntervalMs,
    total: total.take(),
    joining: joining === undefined ? undefined : overPeriod(joining.take(), joinMs),
    windows,
    samples: ledger.snapshot(),
  };
}

/** Why a non-2xx answer's samples are lost: the driver does not retry. */
export function lossCause(status: number | 'network'): LossCause {
  if (status === 'network') return 'failed';
  const outcome = classifyStatus(status);
  return outcome === 'throttled' ? 'throttled' : outcome === 'rejected' ? 'refused' : 'failed';
}

/** The join's stats over the join itself (its recorder also waited for the join's late answers). */
function overPeriod(stats: WindowStats, periodMs: number): WindowStats {
  return { ...stats, elapsedMs: periodMs, requestsPerSecond: (stats.requests * 1000) / periodMs };
}

function randomVersion(random: ReturnType<typeof createRandom>): string {
  return `${random.integer(0, 99)}.${random.integer(0, 999)}.${random.integer(0, 9999)}`;
}
