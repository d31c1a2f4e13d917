// The sample journal: every CPU sample is appended to `<spoolDir>/samples.journal` as it is recorded,
// so a watchdog killed with SIGKILL loses at most the sample it was recording, not the export interval
// that lived only in the SDK's memory. On the next start, the samples no export carried become one
// DELTA export request of the interval they belong to, appended to the spool before any new data.
//
// File: JSON lines. A head `{"k":"h","identity":{…},"start":"<ns>"}` (the session the samples belong
// to, and where their interval starts: the end of the last exported one), then samples
// `{"t":"<ns>","s":"<stage>","u":<0..1>,"d":{…}}` and batch markers `{"k":"p","id":…,"n":…,"end":…}`.
//
// Exactly once: before the exporter appends a batch of the first n unexported samples to the spool, a
// marker with the batch's id is written; the spool segment carries the same id as its tag. Once the
// segment is in the spool the journal is rewritten without those samples (a new head starting at the
// batch's end). A crash between the two is resolved on restart: a marker whose tagged segment is in the
// spool means its samples were exported. The rewrite happens synchronously right after the append
// resolves, before any response can let the sender delete the segment, so "delivered and gone" never
// leaves a marker behind.
//
// Durability: each sample is one write(2) to the file (no fsync): the data is in the kernel's page cache
// when the call returns, which survives the process being killed; only a power loss or kernel crash
// can lose it, and then the spool's own fsync policy (spoolFsync) bounds what the spool loses too.
// An fsync per sample would cost a disk flush every second for a guarantee no other part keeps.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { describeError, silentLogger, type Logger } from '../log.js';
import type { SessionIdentity } from '../session/index.js';
import { cpuSamplesMetrics, type RawCpuSample } from '../export/cpu-points.js';
import type { Spool } from './spool.js';

export const JOURNAL_FILE = 'samples.journal';

/** Width of a recovered interval that would otherwise be zero-width (all samples at its start). */
const MIN_RECOVERED_WIDTH_NS = 1_000_000n;

interface Head {
  k: 'h';
  identity: SessionIdentity;
  start: string;
}
interface Marker {
  k: 'p';
  id: string;
  n: number;
  end: string;
}
interface SampleLine {
  t: string;
  s: string;
  u: number;
  d?: Record<string, number>;
}

export interface RecoveredSamples {
  identity: SessionIdentity;
  startNs: bigint;
  samples: RawCpuSample[];
}

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function sampleLine(sample: RawCpuSample): string {
  const line: SampleLine = { t: String(sample.timeNs), s: sample.stage, u: sample.utilization };
  if (Object.keys(sample.details).length > 0) line.d = { ...sample.details };
  return JSON.stringify(line) + '\n';
}

/** Reads a journal left by a previous run: its unexported samples (none when all were exported). */
export function readJournal(text: string, isSpooled: (id: string) => boolean): RecoveredSamples | undefined {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  let head: Head | undefined;
  const samples: RawCpuSample[] = [];
  const markers: Marker[] = [];
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a line torn by a crash mid-write: its sample was never complete
    }
    const record = value as {
      k?: unknown;
      t?: unknown;
      s?: unknown;
      u?: unknown;
      d?: Record<string, number>;
    };
    if (record.k === 'h' && !head) head = record as Head;
    else if (record.k === 'p') markers.push(record as Marker);
    else if (typeof record.t === 'string' && typeof record.s === 'string' && typeof record.u === 'number')
      samples.push({
        timeNs: BigInt(record.t),
        stage: record.s,
        utilization: record.u,
        details: record.d ?? {},
      });
  }
  if (!head) return undefined;
  let startNs = BigInt(head.start);
  for (const marker of markers) {
    if (!isSpooled(marker.id)) break;
    samples.splice(0, marker.n);
    startNs = BigInt(marker.end);
  }
  return { identity: head.identity, startNs, samples };
}

export class SampleJournal {
  private fd: number | undefined;
  private startNs = nowNs();
  /** Lines of the samples not yet in the spool, oldest first (batches take them from the front). */
  private unexported: string[] = [];
  private markers: Array<{ id: string; n: number; endNs: bigint; line: string }> = [];
  private failed = false;

  constructor(
    private readonly path: string,
    private readonly identity: SessionIdentity,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Recovers a previous run's unexported samples into the spool, then starts this run's journal.
   * Samples recorded before this point are kept in memory and written now.
   */
  async open(spool: Spool): Promise<void> {
    let previous: string | undefined;
    try {
      previous = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const recovered = previous === undefined ? undefined : readJournal(previous, (id) => spool.hasTag(id));
    if (recovered && recovered.samples.length > 0) await this.spoolRecovered(recovered, spool);
    this.rewrite();
  }

  private async spoolRecovered(recovered: RecoveredSamples, spool: Spool): Promise<void> {
    const { identity, startNs, samples } = recovered;
    let endNs = samples.reduce((max, s) => (s.timeNs > max ? s.timeNs : max), startNs);
    if (endNs === startNs) endNs += MIN_RECOVERED_WIDTH_NS;
    const payload = ProtobufMetricsSerializer.serializeRequest(
      cpuSamplesMetrics(identity, samples, startNs, endNs),
    );
    if (!payload) throw new Error('ProtobufMetricsSerializer produced no bytes');
    // The marker goes into the OLD journal first: a crash before the new one is written must not
    // recover these samples a second time.
    const id = newBatchId();
    writeFileSync(this.path, markerLine(id, samples.length, endNs), { flag: 'a' });
    await spool.append(payload, id);
    this.logger.info('journal.recovered', {
      samples: samples.length,
      sessionId: identity.sessionId,
      startNs: String(startNs),
      endNs: String(endNs),
    });
  }

  record(sample: RawCpuSample): void {
    const line = sampleLine(sample);
    this.unexported.push(line);
    if (this.fd !== undefined) this.write(line);
  }

  /** A batch of the first `samples` unexported samples is about to be appended; returns its id (tag). */
  beginBatch(samples: number, endNs: bigint): string {
    const id = newBatchId();
    const line = markerLine(id, samples, endNs);
    this.markers.push({ id, n: samples, endNs, line });
    if (this.fd !== undefined) this.write(line);
    return id;
  }

  /** The batch is in the spool (or was dropped with the SDK's data): its samples leave the journal. */
  endBatch(id: string): void {
    const at = this.markers.findIndex((marker) => marker.id === id);
    if (at < 0) return;
    const [marker] = this.markers.splice(0, at + 1);
    if (!marker) return;
    this.unexported.splice(0, marker.n);
    this.startNs = marker.endNs;
    this.rewrite();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Replaces the file with a head and what is still unexported (temp file + rename: all or nothing). */
  private rewrite(): void {
    const head: Head = { k: 'h', identity: this.identity, start: String(this.startNs) };
    const text =
      JSON.stringify(head) + '\n' + this.markers.map((m) => m.line).join('') + this.unexported.join('');
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.path);
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = openSync(this.path, 'a', 0o600);
      this.failed = false;
    } catch (err) {
      this.report(err);
    }
  }

  private write(line: string): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, line);
    } catch (err) {
      this.report(err);
    }
  }

  /** A full or read-only disk: the samples still reach the spool through the SDK; logged once. */
  private report(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.error('journal.write_failed', { path: this.path, error: describeError(err) });
  }
}

function markerLine(id: string, samples: number, endNs: bigint): string {
  const marker: Marker = { k: 'p', id, n: samples, end: String(endNs) };
  return JSON.stringify(marker) + '\n';
}

function newBatchId(): string {
  return randomBytes(6).toString('hex');
}
