import type { Redis } from 'ioredis';
import { forgottenWindows, type RedisJournal, type ScriptCommand } from './redis-journal.js';
import {
  closeIfDue,
  commitRecord,
  openWindowCloseMs,
  type RecordOptions,
  type SessionRecord,
} from './session-record.js';
import type { ClosedWindow, SessionCommit, SessionCommitResult } from './state-store.js';

/**
 * Compare-and-set attempts of one session change before it fails: conflicts mean other replicas
 * changed the same session meanwhile (a client's retry racing its original), which settles in a
 * few rounds; beyond, the request is answered 503 and the client retries it.
 */
export const MAX_CAS_ATTEMPTS = 8;
/**
 * Command timeouts tolerated per session change. A timed-out write may still have run (ioredis
 * gives up waiting, Redis does not); the next read shows whether it did (the commit id).
 */
const MAX_TIMEOUTS = 3;
/** Sessions whose due window one closeDueWindows call closes at most (the rest: the next call). */
const MAX_CLOSES_PER_CALL = 2_000;

export interface SessionKeys {
  sessions: string;
  openWindows: string;
  forgotten: string;
  sessionPrefix: string;
}

/** Thrown when a session change lost the compare-and-set MAX_CAS_ATTEMPTS times in a row. */
export class SessionContentionError extends Error {
  constructor(sessionKey: string) {
    super(
      `session ${sessionKey} was changed concurrently ${MAX_CAS_ATTEMPTS} times while committing; ` +
        'the request can be retried',
    );
    this.name = 'SessionContentionError';
  }
}

function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && /command timed out/i.test(error.message);
}

/**
 * Sessions in Redis: a hash per session holds the record (JSON), its version (unique per write), and
 * the last commit's id and reply. The session logic (session-record.ts) runs here between a read and
 * a compare-and-set script; a ZSET of open windows scored by close time finds the due ones.
 */
export class RedisSessions {
  private writes = 0;
  /** Per session, the tail of this instance's changes: they run one after another (no self-conflicts). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: SessionKeys,
    private readonly options: RecordOptions & { dedupWindowMs: number },
    private readonly command: (name: string) => ScriptCommand,
    /** Unique per store instance: commit ids and versions are this plus a counter. */
    private readonly idPrefix: string,
    private readonly journal: RedisJournal,
  ) {}

  async commit(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult> {
    const result = await this.change(commit.sessionKey, nowMs, 'commit', (stored) => {
      const { record, result } = commitRecord(stored.record, commit, this.options, nowMs);
      const journal = (json: string) => this.journal.commitEntry(commit.journal, result, json);
      return { record, reply: result, seen: true, journal };
    });
    return result!;
  }

  /**
   * Every due open window (by the ZSET), each closed by one compare-and-set, then forgotten
   * sessions' open windows. A close that fails stays due and is retried by the next call; so are the
   * forgotten records when they cannot be taken after windows were closed, so that those windows
   * (decided, and journaled) are returned.
   */
  async closeDue(nowMs: number): Promise<ClosedWindow[]> {
    const due = await this.redis.zrangebyscore(
      this.keys.openWindows,
      '-inf',
      nowMs,
      'LIMIT',
      0,
      MAX_CLOSES_PER_CALL,
    );
    const settled = await Promise.allSettled(
      due.map((sessionKey) =>
        this.change(sessionKey, nowMs, 'close', (stored) => {
          if (!stored.record) return { dropMissing: true };
          const next = closeIfDue(stored.record, nowMs, this.options);
          if (!next.closed) return {};
          const journal = (json: string) => this.journal.closeEntry(json);
          return { record: next.record, reply: next.closed, journal };
        }),
      ),
    );
    const closed = settled.flatMap((s) => (s.status === 'fulfilled' && s.value ? [s.value] : []));
    try {
      return [...closed, ...(await this.closeForgotten())];
    } catch (error) {
      if (closed.length === 0) throw error;
      return closed;
    }
  }

  /** The open windows of sessions housekeeping forgot, taken from their list once across replicas. */
  private async closeForgotten(): Promise<ClosedWindow[]> {
    const [seq, ...records] = (await this.command('filesfuPopForgotten')(
      this.keys.forgotten,
      ...this.journal.keys(),
      MAX_CLOSES_PER_CALL,
      this.journal.entryTtl(),
    )) as [number, ...string[]];
    this.journal.answered(seq);
    return records.flatMap((json) => forgottenWindows(JSON.parse(json) as SessionRecord));
  }

  /**
   * Reads the session, lets `decide` compute its new record, and writes it with the reply if nothing
   * changed meanwhile; else again. Returns the decision's reply. The reply is stored under the
   * change's id, per kind (a commit, a close): after a command timeout the next read tells whether
   * the write ran, and then its reply is the answer (a commit's closed windows are not lost).
   */
  private async change<R>(
    sessionKey: string,
    nowMs: number,
    kind: 'commit' | 'close',
    decide: (stored: { record?: SessionRecord }) => Decision<R>,
  ): Promise<R | undefined> {
    return this.serially(sessionKey, () => this.changeNow(sessionKey, nowMs, kind, decide));
  }

  private async changeNow<R>(
    sessionKey: string,
    nowMs: number,
    kind: 'commit' | 'close',
    decide: (stored: { record?: SessionRecord }) => Decision<R>,
  ): Promise<R | undefined> {
    const hash = this.keys.sessionPrefix + sessionKey;
    const [idField, replyField, seqField] = kind === 'commit' ? ['lc', 'lr', 'lj'] : ['cc', 'cr', 'cj'];
    const changeId = this.nextId();
    let timeouts = 0;
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      try {
        const [rec, version, lastId, lastReply, lastSeq] = await this.redis.hmget(
          hash,
          'rec',
          'v',
          idField,
          replyField,
          seqField,
        );
        if (lastId === changeId) {
          this.journal.answered(Number(lastSeq ?? 0));
          return JSON.parse(lastReply!) as R;
        }
        const decision = decide(rec ? { record: JSON.parse(rec) as SessionRecord } : {});
        if (decision.dropMissing) {
          await this.command('filesfuDropMissingWindow')(hash, this.keys.openWindows, sessionKey);
          return undefined;
        }
        if (!decision.record) return decision.reply;
        const closeMs = openWindowCloseMs(decision.record, this.options);
        const replyJson = JSON.stringify(decision.reply);
        const [written, seq] = (await this.command('filesfuCasSession')(
          hash,
          this.keys.sessions,
          this.keys.openWindows,
          ...this.journal.keys(),
          version ?? '',
          this.nextId(),
          JSON.stringify(decision.record),
          idField,
          replyField,
          changeId,
          replyJson,
          decision.seen ? nowMs : '',
          this.ttlMs(),
          sessionKey,
          closeMs ?? '',
          decision.journal?.(replyJson) ?? '',
          seqField,
        )) as [number, number?];
        if (written === 1) {
          this.journal.answered(seq ?? 0);
          return decision.reply;
        }
      } catch (error) {
        if (!isCommandTimeout(error) || ++timeouts >= MAX_TIMEOUTS) throw error;
      }
    }
    throw new SessionContentionError(sessionKey);
  }

  /** Runs `change` after this instance's earlier changes of the session have settled. */
  private serially<R>(sessionKey: string, change: () => Promise<R>): Promise<R> {
    const result = (this.queues.get(sessionKey) ?? Promise.resolve()).then(change, change);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(sessionKey, tail);
    void tail.then(() => {
      if (this.queues.get(sessionKey) === tail) this.queues.delete(sessionKey);
    });
    return result;
  }

  /**
   * Housekeeping forgets idle sessions after dedupWindowMs (closing their open windows); the key's
   * own TTL is a backstop only, long enough that housekeeping always comes first.
   */
  private ttlMs(): number {
    return 2 * this.options.dedupWindowMs + this.options.windowMs + this.options.windowGraceMs;
  }

  private nextId(): string {
    return this.idPrefix + String(this.writes++);
  }
}

/** No record: leave the session as it is (answer `reply`); dropMissing: forget its open-window entry. */
interface Decision<R> {
  record?: SessionRecord;
  reply?: R;
  /** The session was seen now (its last-seen score moves). */
  seen?: boolean;
  /** The journal entry of the change, from its reply's JSON ('' = none). */
  journal?: (replyJson: string) => string;
  dropMissing?: boolean;
}
