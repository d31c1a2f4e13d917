// Command-line flags shared by `npm run simulate` and `npm run demo`: the scenario's run block can be
// overridden from the command line without editing the file.
import { parseDurationMs } from './duration.js';

export interface RunOverrides {
  sessions?: number;
  durationMs?: number;
  timeCompression?: number;
  exportIntervalMs?: number;
  rampUpMs?: number;
  seed?: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${flag} must be a positive integer, got "${raw}"`);
  return value;
}

export function duration(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  try {
    const ms = parseDurationMs(raw);
    if (ms <= 0) throw new Error('must be > 0');
    return ms;
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

export function runOverrides(values: {
  sessions?: string | undefined;
  duration?: string | undefined;
  'time-compression'?: string | undefined;
  'export-interval'?: string | undefined;
  'ramp-up'?: string | undefined;
  seed?: string | undefined;
}): RunOverrides {
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer`);
  return {
    sessions: positiveInteger('sessions', values.sessions),
    durationMs: duration('duration', values.duration),
    timeCompression: positiveInteger('time-compression', values['time-compression']),
    exportIntervalMs: duration('export-interval', values['export-interval']),
    rampUpMs: duration('ramp-up', values['ramp-up']),
    seed,
  };
}

export const RUN_FLAGS = {
  sessions: { type: 'string' },
  duration: { type: 'string' },
  'time-compression': { type: 'string' },
  'export-interval': { type: 'string' },
  'ramp-up': { type: 'string' },
  seed: { type: 'string' },
} as const;

export const RUN_FLAGS_HELP = `  --sessions N              concurrent simulated sessions (scenario run.sessions)
  --duration 60s            real clock: run time (scenario run.duration)
  --time-compression K      real clock: samples per session per real second (scenario run.timeCompression)
  --export-interval 2s      real clock: time between a session's exports (scenario run.exportInterval)
  --ramp-up 5s              real clock: time over which sessions start (scenario run.rampUp)
  --seed N                  fleet seed (scenario seed)`;
