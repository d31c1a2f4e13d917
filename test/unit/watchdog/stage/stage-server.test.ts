import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStageReporter,
  startStageServer,
  type StageServer,
} from '../../../../src/watchdog/stage/index.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function client(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => resolve(socket));
    socket.once('error', reject);
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(overrides: { socketPath?: string } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
  const stages: string[] = [];
  const details: Array<Readonly<Record<string, number>>> = [];
  const hellos: Array<string | undefined> = [];
  const instance: StageServer = await startStageServer({
    socketPath: overrides.socketPath ?? join(dir, 'stage.sock'),
    maxLineBytes: 256,
    maxStageLength: 32,
    onStage: (stage, stageDetails) => {
      stages.push(stage);
      details.push(stageDetails);
    },
    onHello: (version) => hellos.push(version),
  });
  cleanups.push(() => instance.close());
  return { instance, stages, details, hellos, dir };
}

describe.skipIf(process.platform === 'win32')('stage server (Unix socket)', () => {
  it('applies valid stage lines in order and reports hello', async () => {
    const { instance, stages, hellos } = await server();
    const socket = await client(instance.socketPath);
    socket.write('{"type":"hello","appVersion":"6.4.0"}\n{"type":"stage","stage":"login"}\n');
    socket.write('{"type":"stage","stage":"indexing","detail":{"files":3}}\n{"type":"bye"}\n');
    await until(() => stages.length === 2, 'two stages');
    expect(stages).toEqual(['login', 'indexing']);
    expect(hellos).toEqual(['6.4.0']);
    socket.destroy();
  });

  it('passes the known, valid stage details as point attributes; a stage without detail clears them', async () => {
    const { instance, stages, details } = await server();
    const socket = await client(instance.socketPath);
    socket.write(
      '{"type":"stage","stage":"receiving","detail":{"fileNameLength":57,"name":"x","fileCount":-1}}\n',
    );
    socket.write('{"type":"stage","stage":"idle"}\n');
    await until(() => stages.length === 2, 'two stages');
    expect(details).toEqual([{ 'filesfu.file.name.length': 57 }, {}]);
    expect(instance.stats.rejected).toEqual({});
    socket.destroy();
  });

  it('counts and ignores malformed, unknown and overlong lines without dropping the connection', async () => {
    const { instance, stages } = await server();
    const socket = await client(instance.socketPath);
    socket.write(
      'garbage\n{"type":"teleport"}\n' + 'x'.repeat(1000) + '\n{"type":"stage","stage":"syncing"}\n',
    );
    await until(() => stages.length === 1, 'the valid stage after the bad lines');
    expect(stages).toEqual(['syncing']);
    expect(instance.stats.rejected).toEqual({ 'malformed-json': 1, 'unknown-type': 1, 'overlong-line': 1 });
    socket.destroy();
  });

  it('serves two clients at once; the last stage from either wins', async () => {
    const { instance, stages } = await server();
    const a = await client(instance.socketPath);
    const b = await client(instance.socketPath);
    a.write('{"type":"stage","stage":"sending"}\n');
    await until(() => stages.length === 1, 'first client');
    b.write('{"type":"stage","stage":"receiving"}\n');
    await until(() => stages.length === 2, 'second client');
    expect(stages.at(-1)).toBe('receiving');
    a.destroy();
    b.destroy();
  });

  it('replaces a stale socket file left by a crashed watchdog', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
    const socketPath = join(dir, 'stage.sock');
    // A real stale socket: a process that listened on it was SIGKILLed, so nobody unlinked it.
    const crashed = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(socketPath)})`,
    ]);
    await until(() => existsSync(socketPath), 'the doomed listener');
    crashed.kill('SIGKILL');
    await new Promise((resolve) => crashed.once('exit', resolve));
    expect(existsSync(socketPath)).toBe(true);
    const { instance, stages } = await server({ socketPath });
    const socket = await client(instance.socketPath);
    socket.write('{"type":"stage","stage":"idle"}\n');
    await until(() => stages.length === 1, 'stage on the recreated socket');
    socket.destroy();
  });

  it('never deletes a regular file at the socket path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
    const socketPath = join(dir, 'notes.txt');
    await writeFile(socketPath, 'precious');
    await expect(server({ socketPath })).rejects.toThrow(/not a socket/);
    expect(existsSync(socketPath)).toBe(true);
  });

  it('refuses to steal a socket another live watchdog listens on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
    const socketPath = join(dir, 'stage.sock');
    const other = createServer(() => {});
    await new Promise<void>((resolve) => other.listen(socketPath, resolve));
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    await expect(server({ socketPath })).rejects.toThrow(/already listening/);
  });
});

describe.skipIf(process.platform === 'win32')('createStageReporter', () => {
  it('buffers the latest stage until the watchdog is up, then sends hello + latest only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
    const socketPath = join(dir, 'stage.sock');
    const reporter = createStageReporter(socketPath, {
      appVersion: '6.4.0',
      reconnectDelayMs: 10,
      maxReconnectDelayMs: 20,
    });
    cleanups.push(() => reporter.close());
    reporter.setStage('starting');
    reporter.setStage('login');
    const { stages, hellos } = await server({ socketPath });
    await until(() => stages.length === 1, 'the buffered stage');
    expect(stages).toEqual(['login']);
    expect(hellos).toEqual(['6.4.0']);
    reporter.setStage('indexing');
    await until(() => stages.length === 2, 'a live stage');
    expect(stages).toEqual(['login', 'indexing']);
  });

  it('reconnects after the watchdog restarts and resends the latest stage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'filesfu-stage-'));
    const socketPath = join(dir, 'stage.sock');
    const first = await server({ socketPath });
    const reporter = createStageReporter(socketPath, { reconnectDelayMs: 10, maxReconnectDelayMs: 20 });
    cleanups.push(() => reporter.close());
    reporter.setStage('syncing');
    await until(() => first.stages.length === 1, 'stage on the first server');
    await first.instance.close();
    await until(() => !reporter.connected, 'disconnect');
    const second = await server({ socketPath });
    await until(() => second.stages.length === 1, 'stage resent to the restarted server');
    expect(second.stages).toEqual(['syncing']);
  });

  it('never throws when no watchdog is running', async () => {
    const reporter = createStageReporter('/nonexistent/dir/stage.sock', { reconnectDelayMs: 5 });
    reporter.setStage('idle');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reporter.connected).toBe(false);
    await reporter.close();
  });
});
