// Flag/env parsing for the CLI, generated from the config schema so that flags, env vars, help and
// validation can never drift apart: setting `sampleInterval` is flag `--sample-interval` and env var
// FILESFU_WATCHDOG_SAMPLE_INTERVAL. Flags override env vars.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { watchdogConfigSchema } from './config.js';

export const ENV_PREFIX = 'FILESFU_WATCHDOG_';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CliCommand = { kind: 'help' } | { kind: 'run'; settings: Record<string, string> };

const settingKeys = Object.keys(watchdogConfigSchema.shape);

export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function envName(key: string): string {
  return ENV_PREFIX + flagName(key).replace(/-/g, '_').toUpperCase();
}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const key of settingKeys) options[flagName(key)] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const settings: Record<string, string> = {};
  for (const key of settingKeys) {
    const fromFlag = values[flagName(key)];
    const fromEnv = env[envName(key)];
    const value = typeof fromFlag === 'string' ? fromFlag : fromEnv;
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return { kind: 'run', settings };
}

function describeDefault(schema: z.ZodTypeAny): string | undefined {
  if (schema instanceof z.ZodDefault) {
    const value: unknown = (schema._def as { defaultValue: () => unknown }).defaultValue();
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return undefined;
}

export function helpText(): string {
  const lines = [
    'Usage: filesfu-watchdog --pid <pid|self> --endpoint <url> --app-version <version> [options]',
    '',
    'Samples the CPU utilization of a FilesForYou app process, tags it with the stage the app reports on',
    'a local socket and exports it as OTLP metrics to the telemetry gateway (spooled to disk while offline).',
    '',
    'Options (each also from the environment variable shown; flags win):',
  ];
  for (const key of settingKeys) {
    const schema = watchdogConfigSchema.shape[key as keyof typeof watchdogConfigSchema.shape] as z.ZodTypeAny;
    const def = describeDefault(schema);
    const required = !schema.isOptional() && def === undefined ? ' (required)' : '';
    lines.push(`  --${flagName(key)} <value>${required}`);
    lines.push(`      ${schema.description ?? ''}${def !== undefined ? ` [default: ${def}]` : ''}`);
    lines.push(`      env ${envName(key)}`);
  }
  lines.push('  --help', '      Show this help.', '');
  lines.push(
    'Durations take ms, s, m, h, d (e.g. 1s, 500ms, 24h); sizes take B, KiB, MiB, KB, MB (e.g. 50MiB).',
  );
  lines.push(
    'Exit codes: 0 after the watched process exited or on SIGINT/SIGTERM, 1 on a runtime failure, 2 on bad usage.',
  );
  return lines.join('\n') + '\n';
}
