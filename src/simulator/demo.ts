// `npm run demo`: the whole story in one command. Starts the native stack (gateway on 4318,
// Prometheus on 9090 by default), runs the default scenario for a few minutes with a progress bar,
// prints the triage report, then leaves the stack running for exploring until Ctrl-C.
import { parseArgs } from 'node:util';
import { formatTriageText, runTriage } from '../report/index.js';
import { startStack, type Stack } from '../stack/index.js';
import { RUN_FLAGS, RUN_FLAGS_HELP, UsageError, runOverrides } from './cli-options.js';
import { runSimulation, type SimulationResult } from './fleet-runner.js';
import { createProgressWriter, formatSummary } from './progress.js';
import { DEFAULT_SCENARIO, loadScenario } from './scenario-loader.js';
import { loadWatchdogTelemetryFactory } from './telemetry.js';

const DEFAULT_DEMO_DURATION = '3m';
// The gateway flushes every 2 s in the demo so the report right after the run sees nearly all of it
// (Prometheus' increase() cannot count what a series held in its first sample).
const DEMO_GATEWAY_CONFIG = { pipeline: { export: { flushIntervalMs: 2000 } } };

const HELP = `Usage: npm run demo -- [options]
  --scenario NAME|FILE      default ${DEFAULT_SCENARIO}
  --gateway-port N          default 4318 (env FILESFU_DEMO_GATEWAY_PORT; 0 = any free port)
  --prometheus-port N       default 9090 (env FILESFU_DEMO_PROMETHEUS_PORT; 0 = any free port)
${RUN_FLAGS_HELP.replace('real run time (scenario run.duration)', `real run time (default ${DEFAULT_DEMO_DURATION})`)}
  --no-wait                 stop everything after the report instead of leaving the stack running`;

function port(raw: string | undefined, envName: string, fallback: number): number {
  const text = raw ?? process.env[envName];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`invalid port "${text}"`);
  return value;
}

async function waitForPrometheus(stack: Stack, result: SimulationResult): Promise<void> {
  let previous = '';
  let stable = 0;
  await stack
    .waitFor(
      async () => {
        const [sample] = await stack.queryPrometheus('sum(process_cpu_utilization_count)');
        const value = sample?.value[1] ?? '';
        stable = value === previous ? stable + 1 : 0;
        previous = value;
        return Number(value) >= result.samples || stable >= 3 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 2000, what: 'Prometheus to receive the last exports' },
    )
    .catch((error: unknown) => console.error(`(continuing: ${(error as Error).message})`));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      'gateway-port': { type: 'string' },
      'prometheus-port': { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...RUN_FLAGS,
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const scenario = loadScenario(values.scenario);
  const overrides = runOverrides({ ...values, duration: values.duration ?? DEFAULT_DEMO_DURATION });
  const gatewayPort = port(values['gateway-port'], 'FILESFU_DEMO_GATEWAY_PORT', 4318);
  const prometheusPort = port(values['prometheus-port'], 'FILESFU_DEMO_PROMETHEUS_PORT', 9090);

  console.log(`Starting the stack (gateway :${gatewayPort}, Prometheus :${prometheusPort})…`);
  const stack = await startStack({ gatewayPort, prometheusPort, gatewayConfig: DEMO_GATEWAY_CONFIG });
  let stopping = false;
  const abort = new AbortController();
  const stopAll = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    console.log(`\n${signal}: stopping gateway, collector and Prometheus…`);
    void stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  try {
    console.log(`Simulating "${scenario.name}": ${scenario.description}`);
    const progress = createProgressWriter(process.stdout);
    const result = await runSimulation({
      scenario,
      endpoint: stack.gatewayUrl,
      tokenFor: stack.mintToken,
      telemetryFactory: await loadWatchdogTelemetryFactory(),
      ...overrides,
      onProgress: (p) => progress.update(p),
      signal: abort.signal,
    });
    progress.done();
    if (stopping) return;
    console.log(`\n${formatSummary(result)}\n`);
    await waitForPrometheus(stack, result);
    const rangeMinutes = Math.ceil(result.durationMs / 60_000) + 2;
    const report = await runTriage({
      prometheusUrl: stack.prometheusUrl,
      range: `${rangeMinutes}m`,
      threshold: 0.3,
    });
    console.log(formatTriageText(report));
  } catch (error) {
    if (!stopping) {
      console.error(error);
      await stack.stop();
      process.exit(1);
    }
    return;
  }
  if (values['no-wait']) {
    await stack.stop();
    process.exit(0);
  }
  const token = stack.mintToken('demo-install');
  console.log(`
The stack keeps running (logs in ${stack.workDir}):
  gateway     ${stack.gatewayUrl}      POST /v1/metrics · GET /metrics /readyz /healthz
  prometheus  ${stack.prometheusUrl}   e.g. ${stack.prometheusUrl}/graph
Try:
  curl -s '${stack.prometheusUrl}/api/v1/query' --data-urlencode 'query=sum by (version) (increase(filesfu_sessions_over_threshold_total{threshold="0.3"}[10m]))'
  export TOKEN=${token}
  GATEWAY=${stack.gatewayUrl} bash scripts/send-example-request.sh
  npm run triage -- --prometheus ${stack.prometheusUrl} --range 10m
Ctrl-C stops everything.`);
  // Keep the process (and with it the stack) alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n\n${HELP}` : error);
  process.exit(2);
});
