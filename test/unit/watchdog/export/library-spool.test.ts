// The library's default disk spool (createSessionTelemetry without spoolDir): a session that ends
// during a gateway outage keeps its exports on disk, and the next run of the same install delivers
// them exactly once, before its own data. A real HTTP server on port 0; temp state dirs only.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeExportMetricsServiceRequest } from '../../../../src/otlp/index.js';
import {
  createSessionTelemetry,
  defaultLibrarySpoolDir,
  LIBRARY_SPOOL_DIR,
  SPOOL_LOCK_FILE,
  SpoolDirInUseError,
  STATE_DIR_ENV,
  type SessionIdentity,
  type SessionTelemetryOptions,
} from '../../../../src/watchdog/index.js';

const INSTALL_ID = '3f0c2b7e-1111-4222-8333-444455556666';

function identityOf(sessionId: string, installId = INSTALL_ID): SessionIdentity {
  return {
    installId,
    sessionId,
    appVersion: '6.4.0',
    osType: 'linux',
    osVersion: '6.1.0',
    hostArch: 'amd64',
  };
}

interface Received {
  sessionId: string;
  /** Identifies one exported data point: a repeat means the same interval was counted twice. */
  key: string;
  count: number;
}

/** A gateway stand-in: decodes every OTLP request; while `down` it answers 503 and keeps nothing. */
class FakeGateway {
  down = false;
  readonly points: Received[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.down) {
        res.writeHead(503).end();
        return;
      }
      const request = decodeExportMetricsServiceRequest(new Uint8Array(Buffer.concat(chunks)));
      for (const resourceMetrics of request.resourceMetrics) {
        const sessionId = String(
          resourceMetrics.resource.attributes.find((kv) => kv.key === 'session.id')?.value,
        );
        for (const scope of resourceMetrics.scopeMetrics)
          for (const metric of scope.metrics)
            if (metric.type === 'histogram')
              for (const point of metric.dataPoints)
                this.points.push({
                  sessionId,
                  key: `${sessionId} ${point.startTimeUnixNano} ${point.timeUnixNano} ${JSON.stringify(point.attributes)}`,
                  count: point.count,
                });
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => this.server.once('listening', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  samples(sessionId?: string): number {
    return this.points
      .filter((p) => sessionId === undefined || p.sessionId === sessionId)
      .reduce((sum, p) => sum + p.count, 0);
  }

  duplicates(): string[] {
    const seen = new Set<string>();
    return this.points.filter((p) => seen.size === seen.add(p.key).size).map((p) => p.key);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const pbFiles = async (dir: string): Promise<string[]> =>
  existsSync(dir) ? (await readdir(dir)).filter((name) => name.endsWith('.pb')) : [];

describe('createSessionTelemetry default disk spool', () => {
  let stateDir: string;
  let gateway: FakeGateway;
  let endpoint: string;
  const base = (): Omit<SessionTelemetryOptions, 'identity'> => ({
    endpoint,
    stateDir,
    exportIntervalMs: 600_000,
    spoolFsync: false,
    retry: { baseDelayMs: 20, maxDelayMs: 50 },
    shutdownDrainTimeoutMs: 300,
  });

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'filesfu-library-spool-'));
    gateway = new FakeGateway();
    endpoint = await gateway.start();
  });
  afterEach(async () => {
    await gateway.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('keeps what a session could not deliver at shutdown, and the next runs deliver it exactly once, first', async () => {
    const spoolDir = join(stateDir, LIBRARY_SPOOL_DIR, INSTALL_ID);
    let recorded = 0;
    const sessions: string[] = [];
    const runs = [
      { upAtStart: true, upAfterFirstBatch: false }, // the gateway goes down during the session
      { upAtStart: false, upAfterFirstBatch: false }, // the whole session runs in the outage
      { upAtStart: false, upAfterFirstBatch: true }, // the gateway returns during the session
    ];
    for (const [run, { upAtStart, upAfterFirstBatch }] of runs.entries()) {
      gateway.down = !upAtStart;
      const sessionId = randomUUID();
      sessions.push(sessionId);
      const telemetry = createSessionTelemetry({ ...base(), identity: identityOf(sessionId) });
      await telemetry.ready();
      const batches = 2 + Math.floor(Math.random() * 3);
      for (let batch = 0; batch < batches; batch++) {
        const samples = 1 + Math.floor(Math.random() * 20);
        for (let i = 0; i < samples; i++) telemetry.recordCpu(Math.random(), `stage-${batch % 3}`);
        await telemetry.forceFlush(); // one export request (DELTA interval) per batch
        if (batch === 0) gateway.down = !upAfterFirstBatch;
      }
      const downAtEnd = gateway.down;
      await telemetry.shutdown();
      recorded += telemetry.samplesRecorded;
      if (downAtEnd) {
        expect(await pbFiles(spoolDir), `run ${run + 1} left its batches on disk`).not.toEqual([]);
        expect(gateway.samples(sessionId)).toBeLessThan(telemetry.samplesRecorded);
      }
    }
    expect(await pbFiles(spoolDir)).toEqual([]);
    expect(gateway.duplicates()).toEqual([]);
    expect(gateway.samples()).toBe(recorded);
    // The previous sessions' backlog went out before the last session's own data.
    const lastSession = sessions.at(-1);
    const firstOfLast = gateway.points.findIndex((p) => p.sessionId === lastSession);
    expect(gateway.points.slice(firstOfLast).every((p) => p.sessionId === lastSession)).toBe(true);
  });

  it('takes its base from $FILESFU_WATCHDOG_STATE_DIR, else ~/.filesfu-watchdog', async () => {
    expect(defaultLibrarySpoolDir(INSTALL_ID, undefined)).toBe(
      join(process.env[STATE_DIR_ENV] || join(homedir(), '.filesfu-watchdog'), LIBRARY_SPOOL_DIR, INSTALL_ID),
    );
    const previous = process.env[STATE_DIR_ENV];
    process.env[STATE_DIR_ENV] = stateDir;
    try {
      const { stateDir: _omitted, ...options } = base();
      const telemetry = createSessionTelemetry({ ...options, identity: identityOf(randomUUID()) });
      await telemetry.ready();
      expect(existsSync(join(stateDir, LIBRARY_SPOOL_DIR, INSTALL_ID, SPOOL_LOCK_FILE))).toBe(true);
      await telemetry.shutdown();
      expect(existsSync(join(stateDir, LIBRARY_SPOOL_DIR, INSTALL_ID, SPOOL_LOCK_FILE))).toBe(false);
    } finally {
      if (previous === undefined) delete process.env[STATE_DIR_ENV];
      else process.env[STATE_DIR_ENV] = previous;
    }
  });

  it('refuses a second live telemetry on the same spool dir with an error that names the fix', async () => {
    const first = createSessionTelemetry({ ...base(), identity: identityOf(randomUUID()) });
    const second = () => createSessionTelemetry({ ...base(), identity: identityOf(randomUUID()) });
    expect(second).toThrow(SpoolDirInUseError);
    expect(second).toThrow(/pass spoolDir: false/);
    expect(second).toThrow(join(stateDir, LIBRARY_SPOOL_DIR, INSTALL_ID));
    // Another install has its own default dir; an explicit dir is locked the same way.
    const otherInstall = createSessionTelemetry({
      ...base(),
      identity: identityOf(randomUUID(), '0b6e9f2a-2222-4333-8444-555566667777'),
    });
    const explicitDir = join(stateDir, 'explicit');
    const explicit = createSessionTelemetry({ ...base(), spoolDir: explicitDir, identity: identityOf('s') });
    expect(() =>
      createSessionTelemetry({ ...base(), spoolDir: explicitDir, identity: identityOf('t') }),
    ).toThrow(SpoolDirInUseError);
    await Promise.all([first.shutdown(), otherInstall.shutdown(), explicit.shutdown()]);
    const third = createSessionTelemetry({ ...base(), identity: identityOf(randomUUID()) });
    await third.ready();
    await third.shutdown();
  });

  it('reports an unusable spool dir through ready(), naming the fix; flushes fail with the same reason', async () => {
    const notADir = join(stateDir, 'file');
    await writeFile(notADir, 'a file where the spool directory should be');
    const telemetry = createSessionTelemetry({ ...base(), spoolDir: notADir, identity: identityOf('s') });
    await expect(telemetry.ready()).rejects.toThrow(/cannot lock the spool dir .*spoolDir: false/);
    telemetry.recordCpu(0.5, 'idle');
    await expect(telemetry.forceFlush()).rejects.toThrow(/cannot lock the spool dir/);
    telemetry.recordCpu(0.5, 'idle');
    await telemetry.shutdown().catch(() => {});
    expect(gateway.samples()).toBe(0);
  });

  it('refuses an install id that cannot name a directory, and an empty spoolDir, naming the fix', () => {
    expect(() => createSessionTelemetry({ ...base(), identity: identityOf('s', '../escape') })).toThrow(
      /pass spoolDir explicitly, or spoolDir: false/,
    );
    expect(() => createSessionTelemetry({ ...base(), spoolDir: '', identity: identityOf('s') })).toThrow(
      /spoolDir is empty/,
    );
  });

  it('with spoolDir: false keeps the in-memory queue: nothing on disk, undelivered data is lost', async () => {
    gateway.down = true;
    const sessionId = randomUUID();
    const inMemory = createSessionTelemetry({ ...base(), spoolDir: false, identity: identityOf(sessionId) });
    // Many in-memory sessions of one install may run side by side (simulators).
    const sibling = createSessionTelemetry({
      ...base(),
      spoolDir: false,
      identity: identityOf(randomUUID()),
    });
    for (let i = 0; i < 5; i++) inMemory.recordCpu(0.5, 'idle');
    await Promise.all([inMemory.shutdown(), sibling.shutdown()]);
    expect(existsSync(join(stateDir, LIBRARY_SPOOL_DIR))).toBe(false);

    gateway.down = false;
    const next = createSessionTelemetry({ ...base(), spoolDir: false, identity: identityOf(randomUUID()) });
    next.recordCpu(0.5, 'idle');
    await next.shutdown();
    expect(gateway.samples(sessionId)).toBe(0);
    expect(gateway.samples()).toBe(1);
  });
});
