// The app side of the stage protocol: a fire-and-forget reporter. The app calls setStage() whenever its
// stage changes; the reporter keeps only the LATEST stage while disconnected (older ones are stale and
// worthless), reconnects with capped backoff and resends hello + latest stage after each reconnect.
// It never throws into the app and never keeps the app's event loop alive.
import { connect, type Socket } from 'node:net';
import { encodeStageMessage } from './protocol.js';

export interface StageReporterOptions {
  appVersion?: string;
  /** First reconnect delay; doubles up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export interface StageReporter {
  setStage(stage: string, detail?: Record<string, unknown>): void;
  /** Sends bye and stops reconnecting. */
  close(): Promise<void>;
  readonly connected: boolean;
}

export function createStageReporter(socketPath: string, options: StageReporterOptions = {}): StageReporter {
  const baseDelay = options.reconnectDelayMs ?? 200;
  const maxDelay = options.maxReconnectDelayMs ?? 5000;
  let socket: Socket | undefined;
  let connected = false;
  let closed = false;
  let delay = baseDelay;
  let latest: { stage: string; detail: Record<string, unknown> | undefined } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sendLatest = (): void => {
    if (!connected || !socket || !latest) return;
    socket.write(encodeStageMessage({ type: 'stage', stage: latest.stage, detail: latest.detail }));
  };

  const scheduleReconnect = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      open();
    }, delay);
    timer.unref();
    delay = Math.min(maxDelay, delay * 2);
  };

  const open = (): void => {
    if (closed) return;
    const next = connect(socketPath);
    socket = next;
    next.unref();
    next.on('connect', () => {
      connected = true;
      delay = baseDelay;
      next.write(encodeStageMessage({ type: 'hello', appVersion: options.appVersion }));
      sendLatest();
    });
    next.on('error', () => {
      // Reported through 'close'; the watchdog may simply not be running (yet).
    });
    next.on('close', () => {
      if (socket === next) {
        connected = false;
        socket = undefined;
        scheduleReconnect();
      }
    });
  };

  open();

  return {
    setStage(stage, detail) {
      latest = { stage, detail };
      sendLatest();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = socket;
      socket = undefined;
      if (!current) return;
      await new Promise<void>((resolve) => {
        current.once('close', () => resolve());
        if (connected) current.end(encodeStageMessage({ type: 'bye' }));
        else current.destroy();
      });
      connected = false;
    },
    get connected() {
      return connected;
    },
  };
}
