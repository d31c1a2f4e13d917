// Structured JSON-lines logging to stderr. Tiny on purpose: the watchdog must stay lean and its logs are
// read by machines (tests, support tooling) as much as by people.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
  baseFields: LogFields = {},
): Logger {
  const threshold = LEVEL_RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, event: string, fields?: LogFields): void => {
    if (LEVEL_RANK[lvl] < threshold) return;
    try {
      write(
        JSON.stringify(
          { time: new Date().toISOString(), level: lvl, event, ...baseFields, ...fields },
          jsonSafe,
        ) + '\n',
      );
    } catch {
      // Logging must never take the watchdog down (e.g. EPIPE on a closed stderr).
    }
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

export const silentLogger: Logger = createLogger('silent');

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** A short, loggable description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${code ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}
