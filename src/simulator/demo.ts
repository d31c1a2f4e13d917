// `npm run demo`: the whole story in one command. Starts the native stack (gateway on 4318,
// Prometheus on 9090 by default), replays twelve simulated hours of a fleet with the seed's faults
// (simulated clock: backdated, sent as fast as the gateway takes it), prints the triage report,
// then leaves the stack running for exploring until Ctrl-C.
import { parseArgs } from 'node:util';
import { PROM } from '../model/index.js';
import { formatTriageText, runTriage } from '../report/index.js';
import { startStack } from '../stack/index.js';
import { duration, positiveInteger, UsageError } from './cli-options.js';
import { gatewayConfigFor } from './gateway-settings.js';
import { DEFAULT_SCENARIO, loadScenario } from './scenario-loader.js';
import {
  DEFAULT_WINDOW_GRACE_SECONDS,
  DEFAULT_WINDOW_SECONDS,
  runSimulatedClock,
} from './simulated-clock.js';
import { formatSimulatedSummary, simulatedProgressLine } from './simulated-summary.js';
import { waitForClosedWindows } from './window-wait.js';

const HELP = `Usage: npm run demo -- [options]
  --scenario NAME|FILE      default ${DEFAULT_SCENARIO} (12 simulated hours)
  --gateway-port N          default 4318 (env FILESFU_DEMO_GATEWAY_PORT; 0 = any free port)
  --prometheus-port N       default 9090 (env FILESFU_DEMO_PROMETHEUS_PORT; 0 = any free port)
  --period 12h              simulated time (scenario run.period)
  --sessions N              concurrent simulated sessions (scenario run.sessions)
  --seed N                  fleet seed (scenario seed)
  --no-wait                 stop everything after the report instead of leaving the stack running`;

function port(raw: string | undefined, envName: string, fallback: number): number {
  const text = raw ?? process.env[envName];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`invalid port "${text}"`);
  return value;
}

/** The gateway as in production (10-minute windows), flushing and closing windows every 2 s. */
function demoGatewayConfig(scenario: ReturnType<typeof loadScenario>): Record<string, unknown> {
  const windows = { windowSeconds: DEFAULT_WINDOW_SECONDS, windowGraceSeconds: DEFAULT_WINDOW_GRACE_SECONDS };
  const model = gatewayConfigFor(scenario.model, windows) as { pipeline: Record<string, unknown> };
  return {
    pipeline: {
      ...model.pipeline,
      export: { flushIntervalMs: 2000 },
    },
    // Each install replays hours of its sessions at once, as a spool replay after an outage would.
    rateLimit: { perInstall: { ratePerSecond: 10_000, burst: 10_000 } },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      'gateway-port': { type: 'string' },
      'prometheus-port': { type: 'string' },
      period: { type: 'string' },
      sessions: { type: 'string' },
      seed: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const scenario = loadScenario(values.scenario);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  const periodMs = duration('period', values.period);
  const sessions = positiveInteger('sessions', values.sessions);
  const gatewayPort = port(values['gateway-port'], 'FILESFU_DEMO_GATEWAY_PORT', 4318);
  const prometheusPort = port(values['prometheus-port'], 'FILESFU_DEMO_PROMETHEUS_PORT', 9090);

  console.log(`Starting the stack (gateway :${gatewayPort}, Prometheus :${prometheusPort})…`);
  const stack = await startStack({ gatewayPort, prometheusPort, gatewayConfig: demoGatewayConfig(scenario) });
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

  const startedMs = Date.now();
  try {
    console.log(`Simulating "${scenario.name}": ${scenario.description}`);
    const result = await runSimulatedClock({
      scenario,
      endpoint: stack.gatewayUrl,
      tokenFor: stack.mintToken,
      periodMs,
      sessions,
      seed,
      windowSeconds: DEFAULT_WINDOW_SECONDS,
      windowGraceSeconds: DEFAULT_WINDOW_GRACE_SECONDS,
      onProgress: (p) => process.stdout.write(`\r${simulatedProgressLine(p)}\x1b[K`),
      signal: abort.signal,
    });
    process.stdout.write('\n');
    if (stopping) return;
    console.log(`\n${formatSimulatedSummary(result)}\n`);
    await waitForClosedWindows((promql) => stack.queryPrometheus(promql), result.truth).catch(
      (error: unknown) => console.error(`(continuing: ${(error as Error).message})`),
    );
    const rangeMinutes = Math.ceil((Date.now() - startedMs) / 60_000) + 2;
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
  const ratio = (label: string) =>
    `sum by (${label}) (increase(${PROM.sessionWindows.high}{threshold="0.3"}[30m])) / sum by (${label}) (increase(${PROM.sessionWindows.active}[30m]))`;
  console.log(`
The stack keeps running (logs in ${stack.workDir}):
  gateway     ${stack.gatewayUrl}      POST /v1/metrics · GET /metrics /readyz /healthz
  prometheus  ${stack.prometheusUrl}   e.g. ${stack.prometheusUrl}/graph
Try:
  curl -s '${stack.prometheusUrl}/api/v1/query' --data-urlencode 'query=${ratio('version')}'
  export TOKEN=${token}
  GATEWAY=${stack.gatewayUrl} bash scripts/send-example-request.sh
  npm run triage -- --prometheus ${stack.prometheusUrl} --range 30m
Ctrl-C stops everything.`);
  // Keep the process (and with it the stack) alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n\n${HELP}` : error);
  process.exit(2);
});
