// `npm run simulate -- --scenario <name|file> --endpoint URL --token-secret S [...]`
import { parseArgs } from 'node:util';
import {
  duration,
  positiveInteger,
  RUN_FLAGS,
  RUN_FLAGS_HELP,
  UsageError,
  runOverrides,
} from './cli-options.js';
import { runSimulation } from './fleet-runner.js';
import { createProgressWriter, formatSummary } from './progress.js';
import { acceptAll } from './request-sender.js';
import { DEFAULT_SCENARIO, ScenarioError, listBuiltInScenarios, loadScenario } from './scenario-loader.js';
import {
  runSimulatedClock,
  DEFAULT_WINDOW_GRACE_SECONDS,
  DEFAULT_WINDOW_SECONDS,
} from './simulated-clock.js';
import { formatSimulatedSummary, simulatedProgressLine } from './simulated-summary.js';
import { loadWatchdogTelemetryFactory } from './telemetry.js';
import { signingKeyTokenSource } from './tokens.js';

const HELP = `Usage: npm run simulate -- [options]
  --scenario NAME|FILE      built-in scenario or a YAML/JSON file (default ${DEFAULT_SCENARIO})
  --endpoint URL            gateway base URL (default env FILESFU_SIMULATE_ENDPOINT or http://127.0.0.1:4318)
  --token-key-id ID         signing key id for install tokens (env FILESFU_TOKEN_KEY_ID)
  --token-secret SECRET     signing key secret (env FILESFU_TOKEN_SECRET)
  --clock simulated|real    simulated (default, scenario run.clock): backdated simulated time sent at once;
                            real: the watchdog's SDK in real time
  --period 12h              simulated clock: simulated time covered (scenario run.period)
  --window-seconds N        the gateway's pipeline.sessions.windowSeconds (default ${DEFAULT_WINDOW_SECONDS})
  --window-grace-seconds N  the gateway's pipeline.sessions.windowGraceSeconds (default ${DEFAULT_WINDOW_GRACE_SECONDS})
  --dry-run                 simulated clock: send nothing; print the ground truth and the simulator's speed
${RUN_FLAGS_HELP}
  --json                    print the result (with the ground truth) as JSON on stdout
  --list                    list built-in scenarios`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      endpoint: { type: 'string' },
      'token-key-id': { type: 'string' },
      'token-secret': { type: 'string' },
      clock: { type: 'string' },
      period: { type: 'string' },
      'window-seconds': { type: 'string' },
      'window-grace-seconds': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...RUN_FLAGS,
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    console.log(listBuiltInScenarios().join('\n'));
    return 0;
  }
  const scenario = loadScenario(values.scenario);
  const clock = values.clock ?? scenario.run.clock;
  if (clock !== 'simulated' && clock !== 'real') throw new UsageError(`--clock must be simulated or real`);
  const dryRun = values['dry-run'];
  if (dryRun && clock !== 'simulated') throw new UsageError('--dry-run needs --clock simulated');
  const keyId = values['token-key-id'] ?? process.env.FILESFU_TOKEN_KEY_ID;
  const secret = values['token-secret'] ?? process.env.FILESFU_TOKEN_SECRET;
  if (!dryRun && (!keyId || !secret)) {
    throw new UsageError(
      '--token-key-id and --token-secret (or FILESFU_TOKEN_KEY_ID/FILESFU_TOKEN_SECRET) are required',
    );
  }
  const tokenFor = dryRun ? () => '' : signingKeyTokenSource(keyId ?? '', secret ?? '');
  const endpoint = values.endpoint ?? process.env.FILESFU_SIMULATE_ENDPOINT ?? 'http://127.0.0.1:4318';
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const overrides = runOverrides(values);

  if (clock === 'simulated') {
    const result = await runSimulatedClock({
      scenario,
      endpoint,
      tokenFor,
      send: dryRun ? acceptAll : undefined,
      sessions: overrides.sessions,
      seed: overrides.seed,
      periodMs: duration('period', values.period),
      windowSeconds: positiveInteger('window-seconds', values['window-seconds']),
      windowGraceSeconds: positiveInteger('window-grace-seconds', values['window-grace-seconds']),
      onProgress: (p) => process.stderr.write(`[simulate] ${simulatedProgressLine(p)}\n`),
      progressIntervalMs: 5000,
      signal: abort.signal,
    });
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else console.log(formatSimulatedSummary(result));
    return result.exportsFailed > 0 ? 1 : 0;
  }

  const progress = createProgressWriter();
  const result = await runSimulation({
    scenario,
    endpoint,
    tokenFor,
    telemetryFactory: await loadWatchdogTelemetryFactory(),
    ...overrides,
    onProgress: (p) => progress.update(p),
    signal: abort.signal,
  });
  progress.done();
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatSummary(result));
  return result.flushFailures + result.exportsFailed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${HELP}`);
    else if (error instanceof ScenarioError) console.error(error.message);
    else console.error(error);
    process.exit(2);
  },
);
