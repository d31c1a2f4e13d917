import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  ADMIT_SERIES_LUA,
  ADMIT_VERSIONS_LUA,
  COMMIT_SESSION_LUA,
  HOUSEKEEPING_LUA,
  RERANK_VERSIONS_LUA,
} from './redis-scripts.js';
import type {
  SeriesAdmission,
  SessionCommit,
  SessionCommitResult,
  StateSnapshot,
  StateStore,
  StateStoreOptions,
} from './state-store.js';
import { nanosToSortableString } from './timestamps.js';
import { versionBucketIndex } from './version-window.js';

export interface RedisStateStoreOptions extends StateStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  log?: (level: 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

// Bounds the work of one housekeeping script so that Redis is never blocked for long.
const MAX_EVICTIONS_PER_RUN = 20_000;
/**
 * Attempts of one session commit when the command times out. A timed-out script may still have run
 * (ioredis gives up waiting, Redis does not); the retry carries the same commit id, so the script
 * answers it with the stored reply instead of counting it or calling it a duplicate.
 */
const COMMIT_ATTEMPTS = 3;

function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && /command timed out/i.test(error.message);
}

interface CommitReply {
  dup: number[] | Record<string, never>;
  seen: number;
  stages: string[] | Record<string, never>;
  over: string[] | Record<string, never>;
  stageOver: string[] | Record<string, never>;
}

// cjson encodes an empty Lua table as {} rather than [].
function list<T>(value: T[] | Record<string, never>): T[] {
  return Array.isArray(value) ? value : [];
}

/** Shared state in Redis: every decision is one atomic Lua script; every key has a TTL or is bounded. */
export class RedisStateStore implements StateStore {
  private readonly redis: Redis;
  /** Commit ids: unique per store instance (a UUID) and per commit (a counter). */
  private readonly commitIdPrefix = `${randomUUID()}:`;
  private commits = 0;
  private readonly keys: {
    sessions: string;
    series: string;
    seriesUsed: string;
    activeVersions: string;
    versionScratch: string;
    sessionPrefix: string;
    versionBucketPrefix: string;
  };

  constructor(private readonly options: RedisStateStoreOptions) {
    const p = options.keyPrefix;
    this.keys = {
      sessions: `${p}sessions`,
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
    this.redis.defineCommand('filesfuCommitSession', { numberOfKeys: 2, lua: COMMIT_SESSION_LUA });
    this.redis.defineCommand('filesfuAdmitSeries', { numberOfKeys: 2, lua: ADMIT_SERIES_LUA });
    this.redis.defineCommand('filesfuAdmitVersions', { numberOfKeys: 1, lua: ADMIT_VERSIONS_LUA });
    this.redis.defineCommand('filesfuHousekeeping', { numberOfKeys: 3, lua: HOUSEKEEPING_LUA });
    this.redis.defineCommand('filesfuRerankVersions', { lua: RERANK_VERSIONS_LUA });
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

  async commitSession(commit: SessionCommit, nowMs: number): Promise<SessionCommitResult> {
    const thresholds = this.options.thresholds.length;
    const intervals = commit.times.map((times, i) => [
      nanosToSortableString(times.startTimeUnixNano),
      nanosToSortableString(times.timeUnixNano),
      commit.stages[i],
      commit.samplesAbove.slice(i * thresholds, (i + 1) * thresholds),
      commit.streams[i],
    ]);
    const args = [
      this.keys.sessionPrefix + commit.sessionId,
      this.keys.sessions,
      commit.sessionId,
      nowMs,
      this.options.dedupWindowMs,
      this.options.overThresholdMinSamples,
      JSON.stringify(this.options.thresholds),
      JSON.stringify(intervals),
      this.commitIdPrefix + String(this.commits++),
      this.options.maxZeroWidthStreams,
    ];
    let raw: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        raw = await this.command('filesfuCommitSession')(...args);
        break;
      } catch (error) {
        if (attempt >= COMMIT_ATTEMPTS || !isCommandTimeout(error)) throw error;
      }
    }
    const reply = JSON.parse(String(raw)) as CommitReply;
    return {
      duplicate: list(reply.dup).map((d) => d === 1),
      newlySeen: reply.seen === 1,
      newStages: list(reply.stages),
      newOverThresholds: list(reply.over),
      newStageOverThresholds: list(reply.stageOver).map((s) => {
        const cut = s.lastIndexOf('|');
        return { stage: s.slice(0, cut), threshold: s.slice(cut + 1) };
      }),
    };
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
    const [usedSeries, trackedSessions] = (await this.command('filesfuHousekeeping')(
      this.keys.series,
      this.keys.seriesUsed,
      this.keys.sessions,
      nowMs - this.options.seriesIdleTimeoutMs,
      nowMs - this.options.dedupWindowMs,
      this.options.maxTrackedSessions,
      this.keys.sessionPrefix,
      MAX_EVICTIONS_PER_RUN,
    )) as [number, number];
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
    return { usedSeries, trackedSessions, activeVersions };
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
