import { join } from 'node:path';
import { createConnection } from 'node:net';
import { ManagedProcess } from './managed-process.js';
import { startAndWait } from './readiness.js';

/** A throwaway redis-server on loopback: no persistence, so every stack starts from empty state. */
export function redisProcess(options: { binary: string; port: number; workDir: string; echo: boolean }): {
  process: ManagedProcess;
  url: string;
  start: () => Promise<void>;
} {
  const { binary, port, workDir, echo } = options;
  const process = new ManagedProcess({
    name: 'redis',
    command: binary,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      workDir,
    ],
    logFile: join(workDir, 'redis.log'),
    echo,
    stopGraceMs: 5000,
  });
  const start = () => startAndWait(process, () => redisPing(port), 20_000);
  return { process, url: `redis://127.0.0.1:${port}`, start };
}

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
