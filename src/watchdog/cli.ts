// `filesfu-watchdog`: the CLI around startWatchdog(). Runs until the watched process exits (exit 0) or
// SIGINT/SIGTERM (final flush, exit 0). Bad flags or settings: a clear message and exit code 2.
import { parseCliArgs, helpText, UsageError } from './cli-args.js';
import { parseWatchdogConfig, WatchdogConfigError, type WatchdogConfig } from './config.js';
import { describeError } from './log.js';
import { startWatchdog } from './watchdog.js';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: WatchdogConfig;
  try {
    const command = parseCliArgs(argv, env);
    if (command.kind === 'help') {
      process.stdout.write(helpText());
      return 0;
    }
    config = parseWatchdogConfig(command.settings);
  } catch (err) {
    if (err instanceof UsageError || err instanceof WatchdogConfigError) {
      process.stderr.write(`filesfu-watchdog: ${err.message}\nRun with --help for usage.\n`);
      return 2;
    }
    throw err;
  }

  let watchdog;
  try {
    watchdog = await startWatchdog(config);
  } catch (err) {
    process.stderr.write(`filesfu-watchdog: ${describeError(err)}\n`);
    return 1;
  }
  // The watchdog's own timers are unref()'d (it may be embedded); the CLI process lives until it ends.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = (): void => void watchdog.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await watchdog.ended;
  clearInterval(keepAlive);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`filesfu-watchdog: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
