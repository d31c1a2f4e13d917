// The offline spool: a directory of numbered segment files, one serialized export request each, named
// `<seq:12 digits>-<createdAtMs>[-<tag>].pb` so that order and age are known from a directory listing
// alone; the optional tag names a batch of the sample journal (sample-journal.ts).
//
// Durability: each segment is written to a `.tmp` file, fsync'ed (unless `fsync: false`), then renamed
// into place, so a crash leaves either the whole segment or none (stray `.tmp` files are removed on open).
// The directory itself is not fsync'ed: on power loss the newest rename may be lost, i.e. at most one
// export interval (10 s) of data. One fsync per export interval is negligible on any disk.
//
// Restart: `open()` indexes existing segments, so a new watchdog process replays them FIRST, before any
// data it produces itself (new segments get higher sequence numbers).
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IndexedSpool, type DropReason, type SpoolBounds, type SpoolEntry } from './spool.js';

const SEGMENT_PATTERN = /^(\d{12})-(\d+)(?:-([A-Za-z0-9]{1,32}))?\.pb$/;
const TAG_PATTERN = /^[A-Za-z0-9]{1,32}$/;
export const DEAD_LETTER_DIR = 'dead-letter';

export interface DiskSpoolOptions extends SpoolBounds {
  dir: string;
  /** fsync each segment before it is renamed into place. Default true. */
  fsync?: boolean;
  /** Dead-letter segments kept for support; the oldest are deleted beyond it. Default 100. */
  deadLetterMaxFiles?: number;
  onDrop?: (entry: SpoolEntry, reason: DropReason) => void;
}

export class DiskSpool extends IndexedSpool {
  private readonly dir: string;
  private readonly fsync: boolean;
  private readonly deadLetterMaxFiles: number;
  /** Payloads appended while the queue was empty: the live fast path sends them without a disk read. */
  private readonly cache = new Map<number, Uint8Array>();
  /** Tags of the segments present (found on open or appended), by seq. */
  private readonly tags = new Map<number, string>();
  private appendChain: Promise<void> = Promise.resolve();

  private constructor(options: DiskSpoolOptions) {
    super({ maxBytes: options.maxBytes, maxAgeMs: options.maxAgeMs }, options.onDrop);
    this.dir = options.dir;
    this.fsync = options.fsync ?? true;
    this.deadLetterMaxFiles = options.deadLetterMaxFiles ?? 100;
  }

  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(options);
    await spool.load();
    return spool;
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const found: SpoolEntry[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.dir, name), { force: true });
        continue;
      }
      const segment = parseSegmentName(name);
      if (!segment) continue;
      const size = (await stat(join(this.dir, name))).size;
      found.push({ ...segment, bytes: size });
      if (segment.tag !== undefined) this.tags.set(segment.seq, segment.tag);
    }
    found.sort((a, b) => a.seq - b.seq);
    for (const entry of found) this.index(entry);
  }

  private path(entry: SpoolEntry): string {
    return join(this.dir, segmentName(entry, this.tags.get(entry.seq)));
  }

  hasTag(tag: string): boolean {
    for (const value of this.tags.values()) if (value === tag) return true;
    return false;
  }

  append(payload: Uint8Array, tag?: string): Promise<void> {
    if (tag !== undefined && !TAG_PATTERN.test(tag))
      return Promise.reject(new Error(`spool tag must be 1-32 letters or digits, got "${tag}"`));
    // Serialised so that sequence order == durable order: the sender can never see seq n+1 before n.
    const next = this.appendChain.then(() => this.write(payload, tag));
    this.appendChain = next.catch(() => {});
    return next;
  }

  private async write(payload: Uint8Array, tag: string | undefined): Promise<void> {
    const entry: SpoolEntry = { seq: this.nextSeq++, createdAtMs: Date.now(), bytes: payload.byteLength };
    const target = join(this.dir, segmentName(entry, tag));
    const tmp = `${target}.tmp`;
    try {
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(payload);
        if (this.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
      if (tag !== undefined) this.tags.set(entry.seq, tag);
    } catch (err) {
      // A full disk must not also leave a partial file behind per export interval.
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
    if (this.entries.length === 0) this.cache.set(entry.seq, payload);
    this.stats.appended += 1;
    this.index(entry);
  }

  async read(entry: SpoolEntry): Promise<Uint8Array> {
    return this.cache.get(entry.seq) ?? new Uint8Array(await readFile(this.path(entry)));
  }

  protected async deletePayload(entry: SpoolEntry): Promise<void> {
    this.cache.delete(entry.seq);
    const path = this.path(entry);
    this.tags.delete(entry.seq);
    await rm(path, { force: true });
  }

  protected async storeDeadLetter(entry: SpoolEntry, reason: string): Promise<void> {
    this.cache.delete(entry.seq);
    const deadDir = join(this.dir, DEAD_LETTER_DIR);
    await mkdir(deadDir, { recursive: true, mode: 0o700 });
    const source = this.path(entry);
    const name = segmentName(entry, this.tags.get(entry.seq));
    this.tags.delete(entry.seq);
    try {
      await rename(source, join(deadDir, name));
      await open(join(deadDir, `${name}.reason.txt`), 'w', 0o600).then(async (h) => {
        await h.writeFile(reason + '\n');
        await h.close();
      });
    } catch {
      await rm(source, { force: true });
    }
    await this.trimDeadLetters(deadDir);
  }

  /** Keeps the newest deadLetterMaxFiles, by creation time: sequence numbers restart with an empty spool. */
  private async trimDeadLetters(deadDir: string): Promise<void> {
    const segments = (await readdir(deadDir))
      .flatMap((name) => {
        const segment = parseSegmentName(name);
        return segment ? [{ name, ...segment }] : [];
      })
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.seq - b.seq)
      .map((segment) => segment.name);
    for (const name of segments.slice(0, Math.max(0, segments.length - this.deadLetterMaxFiles))) {
      await rm(join(deadDir, name), { force: true });
      await rm(join(deadDir, `${name}.reason.txt`), { force: true });
    }
  }
}

/** A segment's file name: the zero-padded sequence number, its creation time, then its tag if any. */
function segmentName(entry: Pick<SpoolEntry, 'seq' | 'createdAtMs'>, tag?: string): string {
  return `${String(entry.seq).padStart(12, '0')}-${entry.createdAtMs}${tag !== undefined ? `-${tag}` : ''}.pb`;
}

function parseSegmentName(
  name: string,
): (Pick<SpoolEntry, 'seq' | 'createdAtMs'> & { tag: string | undefined }) | undefined {
  const match = SEGMENT_PATTERN.exec(name);
  return match ? { seq: Number(match[1]), createdAtMs: Number(match[2]), tag: match[3] } : undefined;
}
