import type { ManagedProcess } from './managed-process.js';
import { waitFor } from './wait.js';

/**
 * Starts `process` and waits until `ready` resolves true. Fails fast, quoting the process' log,
 * when it exits during start-up (bad config, port taken) instead of waiting for the timeout.
 */
export async function startAndWait(
  process: ManagedProcess,
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  process.start();
  let exitedEarly = false;
  void process.exited().then(() => {
    exitedEarly = true;
  });
  try {
    await waitFor(
      async () => {
        if (exitedEarly) throw new EarlyExit();
        return (await ready()) ? true : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${process.name} to become ready` },
    );
  } catch (error) {
    await process.stop('SIGKILL');
    const why = exitedEarly ? 'exited during start-up' : (error as Error).message;
    throw new Error(`${process.name} ${why}. Log (${process.logFile}):\n${process.tail()}`);
  }
}

class EarlyExit extends Error {}
