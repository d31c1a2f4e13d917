// `npm run load -- <command> [options]`
//   generate                 write k6 payload templates + manifest (load/payloads/<name>/)
//   ingest | attack | soak   run the Node load driver against --url or a self-started stack (--stack)
//   ramp                     find how many sessions one gateway holds (self-started stack)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDurationMs, signingKeyTokenSource } from '../simulator/index.js';
import { repoPath } from '../stack/repo.js';
import { startStack, type Stack } from '../stack/index.js';
import { runLoad, type LoadMode } from './driver.js';
import { generatePayloadFiles } from './payload-files.js';
import { rampSessions } from './ramp.js';
import { formatRamp, formatRampStep, formatWindow } from './report-format.js';
import { formatLedger } from './sample-ledger.js';

const HELP = `Usage: npm run load -- <generate|ingest|attack|soak|ramp> [options]
generate:
  --out DIR                 default load/payloads/default
  --installs N              payload files (one install each; default 200)
  --samples N               samples per export (default 10 = 10 s interval)
  --key-id ID --secret S    signing key the tokens are minted with (env FILESFU_TOKEN_KEY_ID/SECRET)
ingest | attack | soak | ramp:
  --url URL                 gateway base URL; or --stack to start the native stack here
  --stack [--redis]         start collector, Prometheus, (Redis) and one gateway on free ports
  --key-id ID --secret S    required with --url
  --sessions N              concurrent sessions (default 1000; soak 500; attack 200)
  --duration 60s            run time (soak default 10m)
  --export-interval 10s     one export per session per interval
  --format protobuf|json    wire format (attack always uses json)
  --window 10s              print a line per window
  --max-in-flight N         driver's outstanding request cap (default 512)
ramp only:
  --from N --step N --max-sessions N --step-duration 30s --warmup 15s
  --max-p99 250ms --max-failures 0.01 --max-gateway-cores 0.95
  --json                    machine-readable result on stdout`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    installs: { type: 'string' },
    samples: { type: 'string' },
    'key-id': { type: 'string' },
    secret: { type: 'string' },
    url: { type: 'string' },
    stack: { type: 'boolean', default: false },
    redis: { type: 'boolean', default: false },
    sessions: { type: 'string' },
    duration: { type: 'string' },
    'export-interval': { type: 'string', default: '10s' },
    format: { type: 'string', default: 'protobuf' },
    window: { type: 'string' },
    'max-in-flight': { type: 'string', default: '512' },
    from: { type: 'string', default: '500' },
    step: { type: 'string', default: '500' },
    'max-sessions': { type: 'string', default: '50000' },
    'step-duration': { type: 'string', default: '30s' },
    warmup: { type: 'string', default: '15s' },
    'max-p99': { type: 'string', default: '250ms' },
    'max-failures': { type: 'string', default: '0.01' },
    'max-gateway-cores': { type: 'string', default: '0.95' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function count(flag: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${flag} must be a positive number, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const keyId = values['key-id'] ?? process.env.FILESFU_TOKEN_KEY_ID;
  const secret = values.secret ?? process.env.FILESFU_TOKEN_SECRET;

  if (command === 'generate') {
    if (!keyId || !secret)
      throw new Error('generate needs --key-id and --secret (the gateway must know this key)');
    const outDir = values.out ?? join(repoPath('load', 'payloads'), 'default');
    const manifest = generatePayloadFiles({
      outDir,
      installs: count('installs', values.installs, 200),
      samplesPerExport: count('samples', values.samples, 10),
      keyId,
      secret,
      seed: values.seed === undefined ? undefined : Number(values.seed),
    });
    console.log(
      `wrote ${manifest.payloads.length} payload templates (protobuf + OTLP/JSON) and manifest.json to ${outDir}`,
    );
    return 0;
  }
  if (!['ingest', 'attack', 'soak', 'ramp'].includes(command))
    throw new Error(`unknown command "${command}"\n${HELP}`);

  let stack: Stack | undefined;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  try {
    if (values.stack || command === 'ramp') {
      stack = await startStack({ redis: values.redis, quiet: true });
      console.error(
        `[load] stack up: gateway ${stack.gatewayUrl}, Prometheus ${stack.prometheusUrl} (logs in ${stack.workDir})`,
      );
    } else if (!values.url) {
      throw new Error('give --url URL (with --key-id/--secret) or --stack');
    }
    const url = stack?.gatewayUrl ?? values.url ?? '';
    const tokenFor = stack
      ? stack.mintToken
      : keyId && secret
        ? signingKeyTokenSource(keyId, secret)
        : undefined;
    if (!tokenFor) throw new Error('--key-id and --secret are required with --url');
    const exportIntervalMs = parseDurationMs(values['export-interval']);
    if (exportIntervalMs <= 0) throw new Error('--export-interval must be above 0');
    const maxInFlight = count('max-in-flight', values['max-in-flight'], 512);
    const format = values.format === 'json' ? 'json' : 'protobuf';

    if (command === 'ramp') {
      const processes = (stack?.processes() ?? []).flatMap((p) =>
        p.pid ? [{ name: p.name, pid: p.pid }] : [],
      );
      const result = await rampSessions({
        url,
        tokenFor,
        exportIntervalMs,
        format,
        maxInFlight,
        fromSessions: count('from', values.from, 500),
        stepSessions: count('step', values.step, 500),
        maxSessions: count('max-sessions', values['max-sessions'], 50_000),
        stepDurationMs: parseDurationMs(values['step-duration']),
        warmupMs: parseDurationMs(values.warmup),
        maxP99Ms: parseDurationMs(values['max-p99']),
        maxFailureRatio: Number(values['max-failures']),
        maxGatewayCores: Number(values['max-gateway-cores']),
        processes,
        signal: abort.signal,
        onStep: (step) => console.error(formatRampStep(step)),
      });
      console.log(values.json ? JSON.stringify(result, null, 2) : formatRamp(result, exportIntervalMs));
      return 0;
    }

    const mode = command as LoadMode;
    const defaults = { ingest: [1000, '60s'], attack: [200, '30s'], soak: [500, '10m'] } as const;
    const result = await runLoad({
      mode,
      url,
      tokenFor,
      sessions: count('sessions', values.sessions, defaults[mode][0]),
      durationMs: parseDurationMs(values.duration ?? defaults[mode][1]),
      exportIntervalMs,
      format,
      maxInFlight,
      windowMs: values.window ? parseDurationMs(values.window) : mode === 'soak' ? 60_000 : undefined,
      onWindow: (stats, index) => console.error(`[load] window ${index + 1}: ${formatWindow(stats)}`),
      seed: values.seed === undefined ? undefined : Number(values.seed),
      signal: abort.signal,
    });
    console.log(
      values.json
        ? JSON.stringify(result, null, 2)
        : [
            `[load] ${mode} total: ${formatWindow(result.total)}`,
            `[load] ${mode} ${formatLedger(result.samples)}`,
          ].join('\n'),
    );
    return result.total.errors + result.total.rejected > 0 ? 1 : 0;
  } finally {
    await stack?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
