// The gateway's one typed configuration. Sources, later ones winning key by key:
// schema defaults ← FILESFU_GATEWAY_CONFIG (YAML/JSON file) ← FILESFU_GATEWAY_CONFIG_JSON ← the
// explicit FILESFU_GATEWAY_* variables. Invalid config fails at startup with every bad key listed.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KEY_ID_PATTERN, MAX_KEY_ID_LENGTH, parseSigningKeys, MIN_SECRET_LENGTH } from './auth/index.js';
import { DEFAULT_RETRY_AFTER_SECONDS } from './errors/index.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './export/index.js';
import { maxCompressedBodyBytes, WIRE_BODY_DIVISOR } from './http/index.js';
import { pipelineConfigProblems, pipelineConfigSchema } from './pipeline/index.js';
import { unknownKeyProblems } from './retired-settings.js';
import { redisConfigSchema } from './state/index.js';

const MIB = 1024 * 1024;
const positiveInt = () => z.number().int().positive();

export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
    port: z.number().int().min(0).max(65535).default(4318).describe('TCP port (0 = any free port)'),
    replicaId: z
      .string()
      .min(1)
      .max(128)
      .default(() => `${hostname()}-${process.pid}`)
      .describe('This replica\'s id: service.instance.id of what it forwards (default "<hostname>-<pid>")'),
    logLevel: z
      .enum(['debug', 'info', 'warn', 'error'])
      .default('info')
      .describe('Minimum level of JSON log lines'),
    maxDecompressedBodyBytes: positiveInt()
      .min(WIRE_BODY_DIVISOR)
      .default(16 * MIB)
      .describe(
        `Largest request body after gunzip (bytes); inflating stops the moment it is exceeded → 413. A body on the wire (gzip or not) may be 1/${WIRE_BODY_DIVISOR} of it`,
      ),
    maxBufferedBodyBytes: positiveInt()
      .default(256 * MIB)
      .describe(
        'Request body memory of all requests in flight together (bytes read plus bytes inflated); new requests beyond it, and any whose reading or inflating would cross it → 503 with Retry-After',
      ),
    maxInFlightRequests: positiveInt()
      .default(256)
      .describe('Export requests being read or ingested at once (count); more → 503 with Retry-After'),
    retryAfterSeconds: positiveInt()
      .default(DEFAULT_RETRY_AFTER_SECONDS)
      .describe(
        'Retry-After (seconds) of every 503 the gateway decides itself: in-flight cap, body budget, draining, state store or collector unavailable (rate-limit 429s carry the time until a token is free)',
      ),
    requestTimeoutMs: positiveInt()
      .default(30_000)
      .describe('Milliseconds a client may take to send a whole request (slow-loris bound)'),
    shutdownGraceMs: positiveInt()
      .default(DEFAULT_SHUTDOWN_GRACE_MS)
      .describe(
        'Milliseconds SIGTERM waits for in-flight requests before closing connections, and then at most for the final flush to the collector (retries included): a SIGTERM takes about twice this at most',
      ),
  })
  .strict()
  .transform((input) => ({
    ...input,
    /** Derived: see maxCompressedBodyBytes. */
    maxCompressedBodyBytes: maxCompressedBodyBytes(input.maxDecompressedBodyBytes),
  }));

const bucketSchema = (ratePerSecond: number, burst: number, what: string) =>
  z
    .object({
      ratePerSecond: z
        .number()
        .positive()
        .default(ratePerSecond)
        .describe(`Sustained requests per second ${what}`),
      burst: positiveInt()
        .default(burst)
        .describe(`Requests ${what} allowed at once after being idle (bucket size)`),
    })
    .strict()
    .default({});

const rateLimitSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Enforce the per-install and per-credential request budgets'),
    // A watchdog exports every 10 s (0.1 req/s); a backlog replay after an outage needs headroom.
    perInstall: bucketSchema(2, 30, 'per install'),
    // The key id is shared by the whole fleet: size it above fleet size / export interval.
    perCredential: bucketSchema(10_000, 20_000, 'per signing key (all installs using it)'),
  })
  .strict()
  .default({});

const signingKeySchema = z
  .object({
    keyId: z.string().regex(KEY_ID_PATTERN, `keyId must be 1-${MAX_KEY_ID_LENGTH} of [A-Za-z0-9_-]`),
    secret: z.string().min(MIN_SECRET_LENGTH, `secret must be at least ${MIN_SECRET_LENGTH} characters`),
  })
  .strict();

const authSchema = z
  .object({
    keys: z
      .array(signingKeySchema)
      .min(1, 'at least one signing key is required (FILESFU_GATEWAY_AUTH_KEYS="keyId:secret")')
      .default([])
      .describe(
        'HMAC-SHA256 signing keys for install tokens; several for rotation (FILESFU_GATEWAY_AUTH_KEYS)',
      ),
    revokedInstallIds: z
      .array(z.string().min(1))
      .default([])
      .describe('Install ids whose tokens are refused (in addition to the Redis set filesfu:revoked)'),
    maxTokenAgeSeconds: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Tokens older than this are refused (seconds since issue; 0 = no expiry)'),
    revocationCacheSeconds: positiveInt()
      .default(30)
      .describe(
        'Seconds a Redis revocation answer is cached per install (how fast a revocation takes effect)',
      ),
  })
  .strict()
  .default({});

export const gatewayConfigSchema = z
  .object({
    server: serverConfigSchema.default({}),
    redis: redisConfigSchema,
    auth: authSchema,
    rateLimit: rateLimitSchema,
    pipeline: pipelineConfigSchema.default({}),
  })
  .strict()
  .transform((input) => ({
    ...input,
    pipeline: {
      ...input.pipeline,
      // One shutdown bound: the final flush gets as long as the in-flight requests had.
      export: { ...input.pipeline.export, shutdownFlushTimeoutMs: input.server.shutdownGraceMs },
    },
  }));

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** Deep-partial input form (what files and FILESFU_GATEWAY_CONFIG_JSON contain). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;
type Tree = Record<string, unknown>;

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const layers: Tree[] = [];
  const file = env['FILESFU_GATEWAY_CONFIG'];
  if (file !== undefined && file !== '') {
    const layer = readLayer(
      () => parseYaml(readFileSync(file, 'utf8')) as unknown,
      `FILESFU_GATEWAY_CONFIG (${file})`,
      problems,
    );
    if (layer !== undefined) layers.push(layer);
  }
  const json = env['FILESFU_GATEWAY_CONFIG_JSON'];
  if (json !== undefined && json !== '') {
    const layer = readLayer(() => JSON.parse(json) as unknown, 'FILESFU_GATEWAY_CONFIG_JSON', problems);
    if (layer !== undefined) layers.push(layer);
  }
  layers.push(envLayer(env, problems));
  const merged = layers.reduce<Tree>((into, layer) => deepMerge(into, layer), {});
  const parsed = gatewayConfigSchema.safeParse(merged);
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, merged));
  } else {
    problems.push(...pipelineConfigProblems(parsed.data.pipeline));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

function describeIssues(issues: readonly z.ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    const at = issue.path.join('.');
    if (issue.code !== 'unrecognized_keys') return [`${at || '(root)'}: ${issue.message}`];
    const parent = valueAt(input, issue.path);
    return issue.keys.flatMap((key) =>
      unknownKeyProblems(at ? `${at}.${key}` : key, isTree(parent) ? parent[key] : undefined),
    );
  });
}

function valueAt(tree: unknown, path: readonly (string | number)[]): unknown {
  let node = tree;
  for (const key of path) node = isTree(node) ? node[String(key)] : undefined;
  return node;
}

/** Validates an already-assembled (deep-partial) config object, e.g. in tests. */
export function parseGatewayConfig(input: unknown): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, input));
  const problems = pipelineConfigProblems(parsed.data.pipeline);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

function readLayer(read: () => unknown, source: string, problems: string[]): Tree | undefined {
  let value: unknown;
  try {
    value = read();
  } catch (error) {
    problems.push(`${source}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (value === null || value === undefined) return {};
  if (!isTree(value)) {
    problems.push(`${source}: must be an object`);
    return undefined;
  }
  return value;
}

function envLayer(env: Env, problems: string[]): Tree {
  const layer: Tree = {};
  const set = (path: string[], value: unknown): void => {
    let node = layer;
    for (const key of path.slice(0, -1)) {
      node = (node[key] ??= {}) as Tree;
    }
    node[path[path.length - 1] as string] = value;
  };
  const host = env['FILESFU_GATEWAY_HOST'];
  if (host) set(['server', 'host'], host);
  const port = env['FILESFU_GATEWAY_PORT'];
  if (port) set(['server', 'port'], /^\d+$/.test(port) ? Number(port) : port);
  const replicaId = env['FILESFU_GATEWAY_REPLICA_ID'];
  if (replicaId) set(['server', 'replicaId'], replicaId);
  const logLevel = env['FILESFU_GATEWAY_LOG_LEVEL'];
  if (logLevel) set(['server', 'logLevel'], logLevel);
  const collectorUrl = env['FILESFU_GATEWAY_COLLECTOR_URL'];
  if (collectorUrl) set(['pipeline', 'export', 'collectorUrl'], collectorUrl);
  const stateDir = env['FILESFU_GATEWAY_STATE_DIR'];
  if (stateDir) set(['pipeline', 'persistence', 'stateDir'], stateDir);
  const redisUrl = env['FILESFU_GATEWAY_REDIS_URL'];
  if (redisUrl) set(['redis', 'url'], redisUrl);
  const keys = env['FILESFU_GATEWAY_AUTH_KEYS'];
  if (keys) {
    try {
      set(['auth', 'keys'], parseSigningKeys(keys));
    } catch (error) {
      problems.push(
        `auth.keys (FILESFU_GATEWAY_AUTH_KEYS): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return layer;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key];
    out[key] = isTree(existing) && isTree(value) ? deepMerge(existing, value) : value;
  }
  return out;
}
