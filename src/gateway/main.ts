// Process entry of one gateway replica: `node --import tsx src/gateway/main.ts`.
// Exit codes: 0 after a clean shutdown, 1 on a fatal runtime error, 2 on invalid configuration or
// a damaged checkpoint.
// The configuration reference (docs/reference/gateway-config.md) is written by
// scripts/generate-docs.ts.

import { ConfigError, loadGatewayConfig, type GatewayConfig } from './config.js';
import { createJsonLog } from './http/index.js';
import { startGateway } from './index.js';
import { CheckpointFileError } from './persistence/index.js';

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const log = createJsonLog(config.server.logLevel);
  process.on('unhandledRejection', (error) => log('error', 'unhandled promise rejection', { error }));

  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, { log });
  } catch (error) {
    if (error instanceof CheckpointFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  // Handlers before the 'listening' line: whoever waits for it may signal right away.
  const shutdown = (signal: NodeJS.Signals): void => {
    log('info', 'shutdown requested', { signal });
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log('error', 'shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  log('info', 'listening', {
    url: gateway.url,
    replicaId: config.server.replicaId,
    collectorUrl: withoutCredentials(config.pipeline.export.collectorUrl),
    redis: config.redis.url !== undefined,
    signingKeys: config.auth.keys.map((key) => key.keyId),
  });
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
