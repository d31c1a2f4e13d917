// JSON-lines logging to stdout. Callers pass structured fields; nothing here ever sees tokens or
// secrets because request headers are never logged.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createJsonLog(minimum: LogLevel, write: (line: string) => void = defaultWrite): Log {
  const threshold = SEVERITY[minimum];
  return (level, msg, fields) => {
    if (SEVERITY[level] < threshold) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, errorReplacer);
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg, fields: 'unserializable' });
    }
    write(line + '\n');
  };
}

function defaultWrite(line: string): void {
  process.stdout.write(line);
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Logs at most once per interval per key, so a failing dependency cannot flood the log. */
export function throttledLog(log: Log, intervalMs: number): Log {
  const lastAt = new Map<string, number>();
  return (level, msg, fields) => {
    const now = Date.now();
    const previous = lastAt.get(msg);
    if (previous !== undefined && now - previous < intervalMs) return;
    lastAt.set(msg, now);
    log(level, msg, fields);
  };
}
