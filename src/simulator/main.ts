// `npm run simulate -- --scenario <name|file> --endpoint URL --token-secret S [...]`
import { parseArgs } from 'node:util';
import { RUN_FLAGS, RUN_FLAGS_HELP, UsageError, runOverrides } from './cli-options.js';
import { runSimulation } from './fleet-runner.js';
import { createProgressWriter, formatSummary } from './progress.js';
import { DEFAULT_SCENARIO, ScenarioError, listBuiltInScenarios, loadScenario } from './scenario-loader.js';
import { loadWatchdogTelemetryFactory } from './telemetry.js';
import { signingKeyTokenSource } from './tokens.js';

const HELP = `Usage: npm run simulate -- [options]
  --scenario NAME|FILE      built-in scenario or a YAML/JSON file (default ${DEFAULT_SCENARIO})
  --endpoint URL            gateway base URL (default env FILESFU_SIMULATE_ENDPOINT or http://127.0.0.1:4318)
  --token-key-id ID         signing key id for install tokens (env FILESFU_TOKEN_KEY_ID)
  --token-secret SECRET     signing key secret (env FILESFU_TOKEN_SECRET)
${RUN_FLAGS_HELP}
  --json                    print the summary as JSON on stdout
  --list                    list built-in scenarios`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      endpoint: { type: 'string' },
      'token-key-id': { type: 'string' },
      'token-secret': { type: 'string' },
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
  const keyId = values['token-key-id'] ?? process.env.FILESFU_TOKEN_KEY_ID;
  const secret = values['token-secret'] ?? process.env.FILESFU_TOKEN_SECRET;
  if (!keyId || !secret) {
    throw new UsageError(
      '--token-key-id and --token-secret (or FILESFU_TOKEN_KEY_ID/FILESFU_TOKEN_SECRET) are required',
    );
  }
  const scenario = loadScenario(values.scenario);
  const endpoint = values.endpoint ?? process.env.FILESFU_SIMULATE_ENDPOINT ?? 'http://127.0.0.1:4318';
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = createProgressWriter();
  const result = await runSimulation({
    scenario,
    endpoint,
    tokenFor: signingKeyTokenSource(keyId, secret),
    telemetryFactory: await loadWatchdogTelemetryFactory(),
    ...runOverrides(values),
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
