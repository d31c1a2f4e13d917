// Where createSessionTelemetry() spools when no spoolDir is given: one directory per install under the
// watchdog's state dir, so the next run of the same install finds the previous session's undelivered
// exports (and unexported journal samples) and sends them first, before its own data.
import { join } from 'node:path';
import { DEFAULT_STATE_DIR } from '../config.js';

/** Environment variable naming the state dir (the CLI's --state-dir); also the library spool's base. */
export const STATE_DIR_ENV = 'FILESFU_WATCHDOG_STATE_DIR';
/** Subdirectory of the state dir holding the library's per-install spools. */
export const LIBRARY_SPOOL_DIR = 'library-spool';

const INSTALL_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/**
 * `<stateDir>/library-spool/<installId>`, where stateDir is the argument, else $FILESFU_WATCHDOG_STATE_DIR,
 * else ~/.filesfu-watchdog. Throws when the install id cannot name a directory safely.
 */
export function defaultLibrarySpoolDir(
  installId: string,
  stateDir: string | undefined = process.env[STATE_DIR_ENV] || undefined,
): string {
  if (!INSTALL_ID_PATTERN.test(installId)) {
    throw new Error(
      `identity.installId "${installId}" cannot name the default spool directory ` +
        '(letters, digits and dashes, at most 64): pass spoolDir explicitly, or spoolDir: false',
    );
  }
  return join(stateDir ?? DEFAULT_STATE_DIR, LIBRARY_SPOOL_DIR, installId);
}
