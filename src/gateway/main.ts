// Process entry of one gateway replica: `node --import tsx src/gateway/main.ts`.
// Exit codes: 0 after a clean shutdown, 1 on a fatal runtime error, 2 on invalid configuration or
// a damaged checkpoint.
// `--config-reference` prints the generated configuration table; `--write-reference-docs` rewrites
// the generated tables (configuration, error codes) inside docs/gateway.md.

import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, loadGatewayConfig, renderConfigReference, type GatewayConfig } from './config.js';
import { renderErrorReference } from './errors/index.js';
import { createJsonLog } from './http/index.js';
import { startGateway } from './index.js';
import { CheckpointFileError } from './persistence/index.js';

async function main(): Promise<void> {
  if (process.argv.includes('--config-reference')) {
    process.stdout.write(`${renderConfigReference()}\n`);
    return;
  }
  if (process.argv.includes('--write-reference-docs')) {
    writeReferenceDocs();
    return;
  }
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
    redis: config.pipeline.state.redisUrl !== undefined,
    signingKeys: config.auth.keys.map((key) => key.keyId),
  });
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

const GATEWAY_DOC = new URL('../../docs/gateway.md', import.meta.url);

function writeReferenceDocs(): void {
  let doc = readFileSync(GATEWAY_DOC, 'utf8');
  doc = replaceBetween(doc, 'config-reference', renderConfigReference());
  doc = replaceBetween(doc, 'error-reference', renderErrorReference());
  writeFileSync(GATEWAY_DOC, doc);
  process.stdout.write('docs/gateway.md: reference tables regenerated\n');
}

function replaceBetween(doc: string, marker: string, content: string): string {
  const begin = `<!-- ${marker}:begin -->\n`;
  const end = `\n<!-- ${marker}:end -->`;
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end, start);
  if (start < 0 || stop < 0) throw new Error(`docs/gateway.md lacks the ${marker} markers`);
  return doc.slice(0, start + begin.length) + content + doc.slice(stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
