// `npm run chaos`: the fault experiments of issue #20 against the real native stack, one fresh
// stack each, and the table of what clients recorded, what the gateway acknowledged and what
// Prometheus holds. Durations are flags: the defaults take a few minutes in all; the issue's
// 10-minute outages are `--outage-seconds 600 --load-seconds 1200`.
import { parseArgs } from 'node:util';
import { formatLedger } from '../load/index.js';
import { EXPERIMENTS, runExperiment, type ChaosSettings, type ExperimentResult } from './experiments.js';

const HELP = `Usage: npm run chaos -- [options]
  --sessions N         simulated sessions (default 12)
  --load-seconds N     seconds the sessions export in each experiment (default 30)
  --outage-seconds N   seconds Prometheus or the collector stays down (default 10)
  --window-seconds N   gateway session window (default 5; windows must close within the run)
  --bombs N            concurrent gzip bombs (default 64)
  --only TEXT          run only experiments whose name contains TEXT (repeatable)`;

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '12' },
    'load-seconds': { type: 'string', default: '30' },
    'outage-seconds': { type: 'string', default: '10' },
    'window-seconds': { type: 'string', default: '5' },
    bombs: { type: 'string', default: '64' },
    only: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

function positive(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${flag} must be a whole number >= 1, got ${JSON.stringify(raw)}\n${HELP}`);
    process.exit(2);
  }
  return value;
}

const settings: ChaosSettings = {
  sessions: positive('sessions', values.sessions),
  loadSeconds: positive('load-seconds', values['load-seconds']),
  outageSeconds: positive('outage-seconds', values['outage-seconds']),
  windowSeconds: positive('window-seconds', values['window-seconds']),
  bombs: positive('bombs', values.bombs),
};
const chosen = EXPERIMENTS.filter(
  (e) => !values.only || values.only.some((text) => e.name.toLowerCase().includes(text.toLowerCase())),
);

const rows: string[] = [];
const ledgers: string[] = [];
const header =
  '| fault | samples recorded | acknowledged | in Prometheus | lost | duplicated | windows ack / in Prometheus | peak gateway RSS |';
for (const experiment of chosen) {
  process.stderr.write(`running: ${experiment.name}…\n`);
  try {
    const result = await runExperiment(experiment, settings);
    rows.push(row(result));
    ledgers.push(`- ${result.name}: ${formatLedger(result.clients.ledger)}`);
  } catch (error) {
    rows.push(
      `| ${experiment.name} | failed: ${error instanceof Error ? error.message : String(error)} |||||||`,
    );
  }
}
console.log(
  [
    `sessions ${settings.sessions}, load ${settings.loadSeconds} s, outages ${settings.outageSeconds} s, windows ${settings.windowSeconds} s`,
    '',
    header,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "clients' books (where every recorded sample went):",
    ...ledgers,
  ].join('\n'),
);

function row(result: ExperimentResult): string {
  const { clients, prometheus } = result;
  const lost = clients.recordedSamples - Math.min(prometheus.samples, clients.recordedSamples);
  const duplicated = Math.max(0, prometheus.samples - clients.acknowledgedSamples);
  const mib = (result.peakRssBytes / 1024 / 1024).toFixed(0);
  return `| ${result.name} | ${clients.recordedSamples} | ${clients.acknowledgedSamples} | ${prometheus.samples} | ${lost} | ${duplicated} | ${clients.windows} / ${prometheus.windows} | ${mib} MiB |`;
}
