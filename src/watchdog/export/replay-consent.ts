// Replay consent: a backlog left by a previous run (hours offline) is only uploaded with consent once it
// exceeds `replayConsentBytes`. Data produced by the current run never needs consent. While consent is
// pending, new data queues behind the backlog (order is the contract) within the spool bounds.
// Refused consent drops the old backlog (counted as dropped, reason consent-refused).
import { readFile, rm } from 'node:fs/promises';
import { describeError, silentLogger, type Logger } from '../log.js';
import type { Spool } from '../spool/index.js';

/** Decides whether `backlogBytes` of old data may be uploaded. */
export type ReplayConsentHook = (backlogBytes: number) => Promise<boolean>;

export interface ReplayConsentOptions {
  thresholdBytes: number;
  decide: ReplayConsentHook;
  logger?: Logger;
}

/**
 * Must be called right after the spool is opened, before anything is appended: it snapshots the
 * backlog that came from previous runs. Returns the gate the sender awaits before its first send.
 */
export function createReplayConsentGate(spool: Spool, options: ReplayConsentOptions): () => Promise<void> {
  const backlog = spool.backlog();
  const logger = options.logger ?? silentLogger;
  return async () => {
    if (backlog.lastSeq === undefined || backlog.bytes <= options.thresholdBytes) return;
    logger.info('spool.replay_consent_requested', { backlogBytes: backlog.bytes, entries: backlog.entries });
    let granted = false;
    try {
      granted = await options.decide(backlog.bytes);
    } catch (err) {
      logger.warn('spool.replay_consent_failed', { error: describeError(err) });
    }
    logger.info(granted ? 'spool.replay_consent_granted' : 'spool.replay_consent_refused', {
      backlogBytes: backlog.bytes,
    });
    if (!granted) await spool.discardThrough(backlog.lastSeq, 'consent-refused');
  };
}

export const alwaysConsent: ReplayConsentHook = () => Promise.resolve(true);
export const neverConsent: ReplayConsentHook = () => Promise.resolve(false);

/**
 * `--replay-consent=ask-file`: wait for `path` to appear (the app's UI or the user creates it). Content
 * `no` (case-insensitive) refuses, anything else grants. The file is consumed so the next large backlog
 * asks again. No answer within timeoutMs counts as refused.
 */
export function askFileConsent(path: string, timeoutMs: number, pollIntervalMs = 1000): ReplayConsentHook {
  return () =>
    new Promise<boolean>((resolve) => {
      const deadline = Date.now() + timeoutMs;
      const poll = async (): Promise<void> => {
        try {
          const answer = (await readFile(path, 'utf8')).trim().toLowerCase();
          await rm(path, { force: true });
          resolve(answer !== 'no');
          return;
        } catch {
          // Not there yet.
        }
        if (Date.now() >= deadline) resolve(false);
        else setTimeout(() => void poll(), pollIntervalMs).unref();
      };
      void poll();
    });
}
