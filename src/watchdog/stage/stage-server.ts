// The local socket the app reports its stage on: a Unix domain socket, or on Windows a named pipe
// (`\\.\pipe\filesfu-watchdog-<id>`); net.createServer serves both. Any number of clients may connect
// and reconnect; the last stage received from any of them wins. Bad input is counted, logged and
// ignored; it never closes the server or crashes the watchdog.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, silentLogger, type Logger } from '../log.js';
import { LineSplitter } from './line-splitter.js';
import { parseStageLine, type StageMessage } from './protocol.js';
import { stageDetailAttributes, type StageDetailAttributes } from './stage-details.js';

export interface StageServerOptions {
  socketPath: string;
  /** Longest accepted line in bytes; longer lines are reported and discarded. */
  maxLineBytes: number;
  maxStageLength: number;
  /** Concurrent client connections accepted; more are closed at once. */
  maxConnections?: number;
  /** The app entered `stage`; `details` are its exportable stage details (NO_DETAILS when none). */
  onStage: (stage: string, details: StageDetailAttributes) => void;
  onHello?: (appVersion: string | undefined) => void;
  logger?: Logger;
}

export interface StageServerStats {
  connections: number;
  messages: number;
  /** Rejected lines by reason (malformed-json, unknown-type, overlong, ...). */
  rejected: Record<string, number>;
}

export interface StageServer {
  readonly socketPath: string;
  readonly stats: StageServerStats;
  close(): Promise<void>;
}

const IS_WINDOWS = process.platform === 'win32';

/** The default place of the stage socket: in the state dir, or a per-target named pipe on Windows. */
export function defaultStageSocketPath(stateDir: string, id: string): string {
  return IS_WINDOWS ? `\\\\.\\pipe\\filesfu-watchdog-${id}` : join(stateDir, 'stage.sock');
}

export async function startStageServer(options: StageServerOptions): Promise<StageServer> {
  const logger = options.logger ?? silentLogger;
  const stats: StageServerStats = { connections: 0, messages: 0, rejected: {} };
  const sockets = new Set<Socket>();
  const reject = (reason: string, peer: number): void => {
    stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
    logger.warn('stage.rejected_line', { reason, connection: peer });
  };
  const handle = (message: StageMessage, peer: number): void => {
    stats.messages += 1;
    if (message.type === 'stage') {
      const { attributes, ignored } = stageDetailAttributes(message.detail);
      logger.debug('stage.changed', { stage: message.stage, detail: message.detail, connection: peer });
      if (ignored.length > 0) logger.debug('stage.detail_ignored', { stage: message.stage, keys: ignored });
      options.onStage(message.stage, attributes);
    } else if (message.type === 'hello') {
      logger.info('stage.hello', { appVersion: message.appVersion, connection: peer });
      options.onHello?.(message.appVersion);
    } else {
      logger.debug('stage.bye', { connection: peer });
    }
  };

  const server = createServer((socket) => {
    stats.connections += 1;
    const peer = stats.connections;
    if (sockets.size >= (options.maxConnections ?? 16)) {
      reject('too-many-connections', peer);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const splitter = new LineSplitter(options.maxLineBytes, {
      onLine: (line) => {
        const parsed = parseStageLine(line, { maxStageLength: options.maxStageLength });
        if (parsed.ok) handle(parsed.message, peer);
        else reject(parsed.reason, peer);
      },
      onOverlong: () => reject('overlong-line', peer),
    });
    socket.on('data', (data: Buffer) => splitter.push(data));
    socket.on('error', (err) => logger.debug('stage.connection_error', { error: describeError(err) }));
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, options.socketPath, logger);
  server.on('error', (err) => logger.error('stage.server_error', { error: describeError(err) }));
  // The socket must not keep an otherwise finished watchdog alive.
  server.unref();
  logger.info('stage.listening', { socketPath: options.socketPath });

  return {
    socketPath: options.socketPath,
    stats,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(server: Server, socketPath: string, logger: Logger): Promise<void> {
  try {
    await tryListen(server, socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || IS_WINDOWS) throw err;
    // A socket file left by a crashed watchdog: remove it only if it IS a socket and nobody answers on
    // it (a mistyped --socket pointing at a regular file must never delete that file).
    if (!(await lstat(socketPath)).isSocket()) {
      throw new Error(`${socketPath} exists and is not a socket`, { cause: err });
    }
    if (await isSocketAlive(socketPath)) {
      throw new Error(`another process is already listening on ${socketPath}`, { cause: err });
    }
    logger.info('stage.stale_socket_removed', { socketPath });
    await rm(socketPath, { force: true });
    await tryListen(server, socketPath);
  }
}

function tryListen(server: Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(socketPath);
  });
}

function isSocketAlive(socketPath: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
