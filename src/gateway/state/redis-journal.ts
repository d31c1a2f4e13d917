import type { Redis } from 'ioredis';
import { closeOpenWindow, type SessionRecord } from './session-record.js';
import type { ClosedWindow, SessionCommitResult } from './state-store.js';
import type { JournalEntry } from './store-checkpoint.js';

export type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** An entry as the scripts store it after `<seq>|`: a commit, a due window closed, a forgotten session. */
type StoredEntry =
  | { k: 'c'; p: string; r: SessionCommitResult }
  | { k: 'w'; w: ClosedWindow }
  | { k: 'f'; rec: SessionRecord };

/**
 * This replica's journal in Redis (see JournaledStore): the scripts that record a decision append
 * its entry in the same step (redis-scripts.ts); this class names the keys, builds the entries,
 * remembers the highest entry answered, and reads and trims the journal.
 */
export class RedisJournal {
  private id: string | undefined;
  private highest = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** An entry outlives its last append by this long (a replica gone longer starts over). */
    private readonly ttlMs: number,
    private readonly command: (name: string) => ScriptCommand,
  ) {}

  open(id: string, through: number): void {
    this.id = id;
    this.highest = through;
  }

  get isOpen(): boolean {
    return this.id !== undefined;
  }

  /** The journal's list and counter keys (placeholders while none is open: the scripts get no entry then). */
  keys(): [list: string, counter: string] {
    const list = `${this.keyPrefix}journal:${this.id ?? ''}`;
    return [list, `${list}:seq`];
  }

  /** The script argument that journals a commit's result ('' = nothing to journal). */
  commitEntry(payload: string | undefined, result: SessionCommitResult, resultJson: string): string {
    if (!this.isOpen || payload === undefined) return '';
    if (result.closed.length === 0 && result.duplicate.every((d) => d)) return '';
    return `{"k":"c","p":${JSON.stringify(payload)},"r":${resultJson}}`;
  }

  /** The script argument that journals a due window's close ('' = none open). */
  closeEntry(closedJson: string): string {
    return this.isOpen ? `{"k":"w","w":${closedJson}}` : '';
  }

  /** The ttl argument of the forgotten-records script ('' = none open). */
  entryTtl(): number | '' {
    return this.isOpen ? this.ttlMs : '';
  }

  /** Records that entry `seq` was appended and this replica has its answer. */
  answered(seq: number): void {
    if (seq > this.highest) this.highest = seq;
  }

  through(): number {
    return this.highest;
  }

  /** The entries after `afterSeq`; a journal that expired meanwhile continues numbering after it. */
  async read(afterSeq: number): Promise<JournalEntry[]> {
    const [list, counter] = this.keys();
    if (Number((await this.redis.get(counter)) ?? 0) < afterSeq) {
      await this.redis.set(counter, afterSeq, 'PX', this.ttlMs);
    }
    const entries: JournalEntry[] = [];
    for (const stored of await this.redis.lrange(list, 0, -1)) {
      const bar = stored.indexOf('|');
      const seq = Number(stored.slice(0, bar));
      if (seq <= afterSeq) continue;
      this.answered(seq);
      const entry = JSON.parse(stored.slice(bar + 1)) as StoredEntry;
      if (entry.k === 'c') entries.push({ seq, kind: 'commit', payload: entry.p, result: entry.r });
      else if (entry.k === 'w') entries.push({ seq, kind: 'closed', windows: [entry.w] });
      else entries.push({ seq, kind: 'closed', windows: forgottenWindows(entry.rec) });
    }
    return entries;
  }

  async trim(throughSeq: number): Promise<void> {
    if (!this.isOpen) return;
    await this.command('filesfuTrimJournal')(this.keys()[0], throughSeq);
  }
}

/** The window a forgotten session's record still had open, if any. */
export function forgottenWindows(record: SessionRecord): ClosedWindow[] {
  const { closed } = closeOpenWindow(record);
  return closed ? [closed] : [];
}
