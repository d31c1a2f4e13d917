import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  ADMIT_SERIES_LUA,
  ADMIT_VERSIONS_LUA,
  CAS_SESSION_LUA,
  DROP_MISSING_WINDOW_LUA,
  HOUSEKEEPING_LUA,
  POP_FORGOTTEN_LUA,
  RERANK_VERSIONS_LUA,
  TRIM_JOURNAL_LUA,
} from './redis-scripts.js';
import { RedisJournal, type ScriptCommand } from './redis-journal.js';
import { RedisSessions } from './redis-sessions.js';
import { checkRecordOptions } from './session-record.js';
import type {
  ClosedWindow,
  SeriesAdmission,
  SessionCommit,
  SessionCommitResult,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
import type { JournaledStore, JournalEntry } from './store-checkpoint.js';
import { versionBucketIndex } from './version-window.js';

export interface RedisStateStoreOptions extends StateStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  log?: (level: 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

// Bounds the work of one housekeeping script so that Redis is never blocked for long.
const MAX_EVICTIONS_PER_RUN = 20_000;

/**
 * Shared state in Redis: every decision is atomic (a Lua script, or for sessions a compare-and-set
 * script after the session logic ran here); every key has a TTL or is bounded. With a journal open,
 * the session decisions are journaled in the same scripts (JournaledStore).
 */
export class RedisStateStore implements StateStore, JournaledStore {
  private readonly redis: Redis;
  private readonly sessions: RedisSessions;
  private readonly journal: RedisJournal;
  private readonly keys: {
    sessions: string;
    openWindows: string;
    forgotten: string;
    series: string;
    seriesUsed: string;
    activeVersions: string;
    versionScratch: string;
    sessionPrefix: string;
    versionBucketPrefix: string;
  };

  constructor(private readonly options: RedisStateStoreOptions) {
    const p = options.keyPrefix;
    checkRecordOptions(options);
    this.keys = {
      sessions: `${p}sessions`,
      openWindows: `${p}windows:open`,
      forgotten: `${p}windows:forgotten`,
      series: `${p}series`,
      seriesUsed: `${p}series:used`,
      activeVersions: `${p}versions:active`,
      versionScratch: `${p}versions:scratch`,
      sessionPrefix: `${p}s:`,
      versionBucketPrefix: `${p}versions:u:`,
    };
    this.redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      // Fail fast while disconnected: the client retries (or spools) instead of the gateway queueing.
      enableOfflineQueue: false,
    });
    this.redis.on('error', (err: Error) =>
      options.log?.('warn', 'redis state store error', { err: err.message }),
    );
    this.redis.defineCommand('filesfuCasSession', { numberOfKeys: 5, lua: CAS_SESSION_LUA });
    this.redis.defineCommand('filesfuPopForgotten', { numberOfKeys: 3, lua: POP_FORGOTTEN_LUA });
    this.redis.defineCommand('filesfuTrimJournal', { numberOfKeys: 1, lua: TRIM_JOURNAL_LUA });
    this.redis.defineCommand('filesfuDropMissingWindow', { numberOfKeys: 2, lua: DROP_MISSING_WINDOW_LUA });
    this.redis.defineCommand('filesfuAdmitSeries', { numberOfKeys: 2, lua: ADMIT_SERIES_LUA });
    this.redis.defineCommand('filesfuAdmitVersions', { numberOfKeys: 1, lua: ADMIT_VERSIONS_LUA });
    this.redis.defineCommand('filesfuHousekeeping', { numberOfKeys: 5, lua: HOUSEKEEPING_LUA });
    this.redis.defineCommand('filesfuRerankVersions', { lua: RERANK_VERSIONS_LUA });
    // A journal outlives a session record: a replica restarted within that time still replays it.
    const journalTtlMs = 2 * (2 * options.dedupWindowMs + options.windowMs + options.windowGraceMs);
    this.journal = new RedisJournal(this.redis, p, journalTtlMs, (name) => this.command(name));
    // Commit ids and record versions: unique per store instance (a UUID) and per write (a counter).
    this.sessions = new RedisSessions(
      this.redis,
      this.keys,
      options,
      (name) => this.command(name),
      `${randomUUID()}:`,
      this.journal,
    );
  }

  openJournal(id: string, through: number): void {
    this.journal.open(id, through);
  }

  journaledThrough(): number {
    return this.journal.through();
  }

  readJournal(afterSeq: number): Promise<JournalEntry[]> {
    return this.journal.read(afterSeq);
  }

  trimJournal(throughSeq: number): Promise<void> {
    return this.journal.trim(throughSeq);
  }

  /** Resolves when connected, or after timeoutMs (ioredis keeps reconnecting; ready() tells). */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.ready()) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  /** Atomic per session: a compare-and-set of its record, retried on conflict (see RedisSessions). */
  async commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult> {
    return this.sessions.commit(commit, nowMs);
  }

  async closeDueWindows(nowMs: number): Promise<ClosedWindow[]> {
    return this.sessions.closeDue(nowMs);
  }

  async admitSeries(requests: SeriesAdmission[], nowMs: number): Promise<boolean[]> {
    if (requests.length === 0) return [];
    const pairs: Array<string | number> = [];
    for (const { key, cost } of requests) {
      // The cost is part of the member (`<cost>|<key>`): it must be the same digits every time.
      if (!Number.isSafeInteger(cost) || cost < 1) throw new Error(`invalid series cost ${cost} for ${key}`);
      pairs.push(String(cost), key);
    }
    const reply = (await this.command('filesfuAdmitSeries')(
      this.keys.series,
      this.keys.seriesUsed,
      nowMs,
      this.options.seriesBudget,
      this.options.seriesIdleTimeoutMs,
      ...pairs,
    )) as number[];
    return reply.map((r) => r === 1);
  }

  async admitVersions(versions: string[]): Promise<boolean[]> {
    if (versions.length === 0) return [];
    const reply = (await this.command('filesfuAdmitVersions')(
      this.keys.activeVersions,
      this.options.maxVersions,
      ...versions,
    )) as number[];
    return reply.map((r) => r === 1);
  }

  async recordVersionUsage(sessionsByVersion: Map<string, number>, nowMs: number): Promise<void> {
    if (sessionsByVersion.size === 0) return;
    const key = this.keys.versionBucketPrefix + versionBucketIndex(nowMs, this.options);
    const bucketMs = this.options.versionWindowMs / this.options.versionWindowBuckets;
    const tx = this.redis.multi();
    for (const [version, n] of sessionsByVersion) tx.zincrby(key, n, version);
    tx.pexpire(key, Math.ceil(this.options.versionWindowMs + bucketMs));
    await tx.exec();
  }

  async housekeeping(nowMs: number): Promise<StateSnapshot> {
    const [usedSeries, trackedSessions, openWindows] = (await this.command('filesfuHousekeeping')(
      this.keys.series,
      this.keys.seriesUsed,
      this.keys.sessions,
      this.keys.openWindows,
      this.keys.forgotten,
      nowMs - this.options.seriesIdleTimeoutMs,
      nowMs - this.options.dedupWindowMs,
      this.options.maxTrackedSessions,
      this.keys.sessionPrefix,
      MAX_EVICTIONS_PER_RUN,
    )) as [number, number, number];
    const current = versionBucketIndex(nowMs, this.options);
    const bucketKeys: string[] = [];
    for (let i = 0; i < this.options.versionWindowBuckets; i++) {
      bucketKeys.push(this.keys.versionBucketPrefix + (current - i));
    }
    const activeVersions = (await this.command('filesfuRerankVersions')(
      2 + bucketKeys.length,
      this.keys.activeVersions,
      this.keys.versionScratch,
      ...bucketKeys,
      this.options.maxVersions,
      this.options.maxTrackedVersions,
    )) as string[];
    return { usedSeries, trackedSessions, openWindows, activeVersions };
  }

  ready(): boolean {
    return this.redis.status === 'ready';
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private command(name: string): ScriptCommand {
    const fn = (this.redis as unknown as Record<string, ScriptCommand>)[name];
    if (!fn) throw new Error(`redis script ${name} not defined`);
    return fn.bind(this.redis);
  }
}
