// npm run triage -- [--prometheus URL] [--range 12h] [--threshold 0.3] [--alpha 0.01]
//                   [--min-risk-difference 0.05] [--max-culprits 5] [--examples 5] [--json]
import { parseArgs } from 'node:util';
import { formatTriageText } from './format-text.js';
import { runTriage } from './run-triage.js';

const USAGE = `usage: npm run triage -- [--prometheus URL] [--range 12h] [--threshold 0.3] [--alpha 0.01]
                         [--min-risk-difference 0.05] [--confidence 0.95] [--max-culprits 5]
                         [--examples 5] [--json]`;

/** Flags arrive as strings; the options schema validates the numbers (NaN included). */
function numeric(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        prometheus: { type: 'string' },
        range: { type: 'string' },
        threshold: { type: 'string' },
        alpha: { type: 'string' },
        'min-risk-difference': { type: 'string' },
        confidence: { type: 'string' },
        'max-culprits': { type: 'string' },
        examples: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const report = await runTriage({
      prometheusUrl: values.prometheus ?? process.env.FILESFU_PROMETHEUS_URL,
      range: values.range,
      threshold: numeric(values.threshold),
      alpha: numeric(values.alpha),
      minRiskDifference: numeric(values['min-risk-difference']),
      confidenceLevel: numeric(values.confidence),
      maxCulprits: numeric(values['max-culprits']),
      exampleSessions: numeric(values.examples),
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTriageText(report));
    return 0;
  } catch (error) {
    console.error(`triage failed: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
