// Keys that are no longer settings, and what took their place: another key (moved), a value computed
// from other settings (derived), or a named constant (fixed). An old config file that still sets one
// fails at startup with the replacement named; the generated reference lists the derived and fixed
// values, so every value the gateway uses is documented.
import { WIRE_BODY_DIVISOR } from './http/index.js';
import { REJECTION_SUMMARY_INTERVAL_SECONDS } from './operator/index.js';
import { DEDUP_SLACK_MS, MAX_HOUSEKEEPING_INTERVAL_MS } from './pipeline/index.js';
import { MAX_ERROR_MESSAGE_CHARS, MAX_SESSION_ID_LENGTH } from './validation/index.js';

export type RetiredSetting =
  | { kind: 'moved'; key: string; to: string }
  /**
   * `rule` is how the value is computed now, `set` the setting to change instead, `why` the reason it
   * needs no setting of its own.
   */
  | { kind: 'derived'; key: string; rule: string; set: string; why: string }
  /** `constant` names the constant in the code; `why` the reason no operator needs to change it. */
  | { kind: 'fixed'; key: string; constant: string; value: number; why: string };

const REDIS_URL = 'redis.url (or FILESFU_GATEWAY_REDIS_URL)';

export const RETIRED_SETTINGS: readonly RetiredSetting[] = [
  { kind: 'moved', key: 'pipeline.state.redisUrl', to: REDIS_URL },
  { kind: 'moved', key: 'rateLimit.redisUrl', to: REDIS_URL },
  { kind: 'moved', key: 'auth.redisUrl', to: REDIS_URL },
  {
    kind: 'moved',
    key: 'pipeline.state.keyPrefix',
    to: 'redis.keyPrefix (the pipeline writes under <prefix>gw:)',
  },
  {
    kind: 'moved',
    key: 'rateLimit.redisKeyPrefix',
    to: 'redis.keyPrefix (rate limits are kept under <prefix>rl:)',
  },
  { kind: 'moved', key: 'pipeline.state.commandTimeoutMs', to: 'redis.commandTimeoutMs' },
  {
    kind: 'moved',
    key: 'rateLimit.redisTimeoutMs',
    to: 'redis.commandTimeoutMs (lookups wait at most 200 ms)',
  },
  { kind: 'moved', key: 'pipeline.export.retryAfterSeconds', to: 'server.retryAfterSeconds' },
  { kind: 'moved', key: 'server.overloadRetryAfterSeconds', to: 'server.retryAfterSeconds' },
  {
    kind: 'moved',
    key: 'auth.clockSkewSeconds',
    to: 'pipeline.validation.maxFutureSkewMs (one clock-skew bound)',
  },
  {
    kind: 'derived',
    key: 'server.maxCompressedBodyBytes',
    rule: `server.maxDecompressedBodyBytes / ${WIRE_BODY_DIVISOR}`,
    set: 'server.maxDecompressedBodyBytes',
    why: 'an OTLP body near these bounds gzips by far more than 4:1, so a body that fits inflated fits on the wire (an uncompressed body gets the wire bound)',
  },
  {
    kind: 'derived',
    key: 'pipeline.export.timeoutMs',
    rule: 'max(pipeline.export.flushIntervalMs / 2, 1000)',
    set: 'pipeline.export.flushIntervalMs',
    why: 'the OpenTelemetry SDK’s own ratio; flushes never overlap, so a slow collector only delays the next one',
  },
  {
    kind: 'derived',
    key: 'pipeline.export.shutdownFlushTimeoutMs',
    rule: 'server.shutdownGraceMs',
    set: 'server.shutdownGraceMs',
    why: `one shutdown bound: the final flush gets as long as the in-flight requests had, so a SIGTERM takes about twice server.shutdownGraceMs at most`,
  },
  {
    kind: 'derived',
    key: 'pipeline.state.dedupWindowMs',
    rule: `pipeline.validation.maxPointAgeMs + pipeline.validation.maxFutureSkewMs + (pipeline.sessions.windowSeconds + pipeline.sessions.windowGraceSeconds) × 1000 + ${DEDUP_SLACK_MS}`,
    set: 'pipeline.validation.maxPointAgeMs',
    why: 'a session record must outlive every replay that could still pass validation and its open window; a day of slack costs memory only',
  },
  {
    kind: 'derived',
    key: 'pipeline.state.housekeepingIntervalMs',
    rule: `min(pipeline.export.flushIntervalMs, ${MAX_HOUSEKEEPING_INTERVAL_MS})`,
    set: 'pipeline.export.flushIntervalMs',
    why: 'housekeeping closes due windows and expires idle series for the next export, so it runs once per flush, and often enough to keep gauges and version ranks current',
  },
  {
    kind: 'fixed',
    key: 'pipeline.validation.maxSessionIdLength',
    constant: 'MAX_SESSION_ID_LENGTH',
    value: MAX_SESSION_ID_LENGTH,
    why: 'session ids are UUIDs (36 characters) from the watchdog and the SDK recipes; the bound keeps state keys and exemplars small',
  },
  {
    kind: 'fixed',
    key: 'pipeline.validation.maxErrorMessageChars',
    constant: 'MAX_ERROR_MESSAGE_CHARS',
    value: MAX_ERROR_MESSAGE_CHARS,
    why: 'every distinct rejection problem fits, far inside HTTP clients’ response-head limits; problems beyond it are named by code',
  },
  {
    kind: 'fixed',
    key: 'rejectionReports.intervalSeconds',
    constant: 'REJECTION_SUMMARY_INTERVAL_SECONDS',
    value: REJECTION_SUMMARY_INTERVAL_SECONDS,
    why: 'the window of filesfu_gateway_installs_rejected then means the same on every deployment; what one summary logs is bounded already',
  },
];

/**
 * Internal tunables that were settings once, recognised by their last key segment wherever they
 * appear (constants of the code, documented where they are defined).
 */
const INTERNAL_KEYS = new Set([
  'maxZeroWidthStreams',
  'versionWindowBuckets',
  'maxTrackedVersions',
  'admissionCacheMs',
  'groupCommitMs',
  'maxTrackedInstalls',
  'maxInstallsPerSummary',
  'maxTrackedKeys',
  'maxCachedRevocations',
  'maxCachedTokens',
  'headersTimeoutMs',
  'keepAliveTimeoutMs',
]);

const BY_KEY = new Map(RETIRED_SETTINGS.map((setting) => [setting.key, setting]));
const REFERENCE = 'docs/reference/gateway-config.md';

/**
 * The problems of an unknown key at `path` whose value is `value`: what it was and the fix when it
 * was a setting (or a section of them), else a pointer to the reference.
 */
export function unknownKeyProblems(path: string, value: unknown): string[] {
  const setting = BY_KEY.get(path);
  if (setting !== undefined) return [`${path}: ${hintFor(setting)}`];
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (INTERNAL_KEYS.has(last)) {
    return [
      `${path}: no longer a setting: an internal constant of the gateway (see ${REFERENCE}); remove it`,
    ];
  }
  if (RETIRED_SETTINGS.some((s) => s.key.startsWith(`${path}.`))) {
    const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    if (keys.length === 0 || Array.isArray(value)) return [`${path}: no longer a section; remove it`];
    return keys.flatMap((key) =>
      unknownKeyProblems(`${path}.${key}`, (value as Record<string, unknown>)[key]),
    );
  }
  return [`${path}: unknown key; check its spelling against ${REFERENCE}`];
}

function hintFor(setting: RetiredSetting): string {
  switch (setting.kind) {
    case 'moved':
      return `use ${setting.to}`;
    case 'derived':
      return `no longer a setting: derived as ${setting.rule} (see ${REFERENCE}); remove it, and set ${setting.set} to change it`;
    case 'fixed':
      return `no longer a setting: fixed at ${setting.value} (${setting.constant}, see ${REFERENCE}); remove it`;
  }
}
