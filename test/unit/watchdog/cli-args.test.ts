import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envName, flagName, helpText, parseCliArgs, UsageError } from '../../../src/watchdog/cli-args.js';
import {
  parseWatchdogConfig,
  WatchdogConfigError,
  watchdogConfigSchema,
} from '../../../src/watchdog/config.js';

const required = ['--pid', '4242', '--endpoint', 'http://127.0.0.1:4318', '--app-version', '6.4.0'];

describe('parseCliArgs', () => {
  it('maps flags to settings and parses units', () => {
    const command = parseCliArgs([...required, '--sample-interval', '1s', '--spool-max-bytes', '50MiB'], {});
    if (command.kind !== 'run') throw new Error('expected run');
    const config = parseWatchdogConfig(command.settings);
    expect(config).toMatchObject({
      pid: 4242,
      endpoint: 'http://127.0.0.1:4318',
      appVersion: '6.4.0',
      sampleInterval: 1000,
      exportInterval: 10_000,
      spoolMaxBytes: 50 * 1024 * 1024,
      replayConsent: 'always',
    });
  });

  it('reads every setting from FILESFU_WATCHDOG_* env vars; flags win', () => {
    const env = {
      FILESFU_WATCHDOG_PID: 'self',
      FILESFU_WATCHDOG_ENDPOINT: 'http://gw:1',
      FILESFU_WATCHDOG_APP_VERSION: '1.0.0',
      FILESFU_WATCHDOG_EXPORT_INTERVAL: '30s',
    };
    const command = parseCliArgs(['--app-version', '2.0.0'], env);
    if (command.kind !== 'run') throw new Error('expected run');
    expect(parseWatchdogConfig(command.settings)).toMatchObject({
      pid: 'self',
      appVersion: '2.0.0',
      exportInterval: 30_000,
    });
  });

  it('names flags and env vars after the settings', () => {
    expect(flagName('spoolMaxBytes')).toBe('spool-max-bytes');
    expect(envName('spoolMaxBytes')).toBe('FILESFU_WATCHDOG_SPOOL_MAX_BYTES');
  });

  it('rejects unknown flags and positionals as usage errors', () => {
    expect(() => parseCliArgs(['--bogus'], {})).toThrow(UsageError);
    expect(() => parseCliArgs(['stray'], {})).toThrow(UsageError);
  });

  it('help lists every setting with its env var', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ kind: 'help' });
    const help = helpText();
    for (const key of Object.keys(watchdogConfigSchema.shape)) {
      expect(help).toContain(`--${flagName(key)}`);
      expect(help).toContain(envName(key));
    }
  });
});

describe('parseWatchdogConfig', () => {
  it('lists every problem by setting name', () => {
    let error: unknown;
    try {
      parseWatchdogConfig({
        pid: '-1',
        endpoint: 'ftp://x',
        appVersion: '',
        sampleInterval: 'fast',
        spoolMaxBytes: '12 parsecs',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WatchdogConfigError);
    const message = (error as Error).message;
    for (const key of ['pid', 'endpoint', 'appVersion', 'sampleInterval', 'spoolMaxBytes'])
      expect(message).toContain(`${key}:`);
  });

  it('enforces minimums of limits', () => {
    expect(() =>
      parseWatchdogConfig({ pid: 1, endpoint: 'http://x', appVersion: '1', sampleInterval: '1ms' }),
    ).toThrow(/sampleInterval/);
  });

  it('rejects unknown settings (typos must not be silently ignored)', () => {
    expect(() =>
      parseWatchdogConfig({ pid: 1, endpoint: 'http://x', appVersion: '1', sampleIntervall: 5 }),
    ).toThrow(/sampleIntervall/);
  });
});

describe('CLI process', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/watchdog/cli.ts', ...args], { encoding: 'utf8' });

  it('prints help and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: filesfu-watchdog');
  });

  it('exits 2 with a clear message on bad flags', () => {
    const result = run(['--pid', 'abc']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('pid: not a process id');
    expect(result.stderr).toContain('--help');
  });

  it('exits 1 with a clear message when the process does not exist', () => {
    const result = run([
      '--pid',
      '2147483646',
      '--endpoint',
      'http://127.0.0.1:9',
      '--app-version',
      '1',
      '--state-dir',
      `${process.env.TMPDIR ?? '/tmp'}/filesfu-cli-test`,
      '--socket',
      'off',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not running');
  });
});
