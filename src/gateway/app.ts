// The express application: routes only. Everything stateful (pipeline, auth, limits, metrics) is
// built by startGateway and passed in, so tests can assemble an app around any of them.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config.js';
import { GatewayError, gatewayError } from './errors/index.js';
import { OtlpExportHandler, writeError, type HttpMetrics, type Log } from './http/index.js';
import type { Authenticator } from './auth/index.js';
import type { Pipeline } from './pipeline/index.js';
import type { RateLimiter } from './ratelimit/index.js';

export interface GatewayAppDeps {
  pipeline: Pipeline;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  registry: Registry;
  metrics: HttpMetrics;
  log: Log;
  /** True once SIGTERM handling began: /readyz fails and new exports get 503. */
  isDraining: () => boolean;
}

/**
 * The HTTP server's request listener. Exports (`POST /v1/metrics` exactly, nearly all traffic) go
 * straight to the export handler: express's router costs more CPU per request than the rest of a
 * small watchdog export's HTTP handling, and the handler uses nothing express adds. Every other
 * request, including variants express would also route to the handler (trailing slash, query,
 * other letter case), takes the express app, so answers are the same either way.
 */
export function createGatewayRequestListener(config: GatewayConfig, deps: GatewayAppDeps): RequestListener {
  const exportHandler = createExportHandler(config, deps);
  const app = buildApp(deps, exportHandler);
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === EXPORT_PATH && request.method === 'POST') {
      void exportHandler.handle(request, response);
      return;
    }
    app(request, response);
  };
}

export function createGatewayApp(config: GatewayConfig, deps: GatewayAppDeps): express.Application {
  return buildApp(deps, createExportHandler(config, deps));
}

const EXPORT_PATH = '/v1/metrics';

function createExportHandler(config: GatewayConfig, deps: GatewayAppDeps): OtlpExportHandler {
  return new OtlpExportHandler(
    {
      limits: {
        maxCompressedBytes: config.server.maxCompressedBodyBytes,
        maxDecompressedBytes: config.server.maxDecompressedBodyBytes,
      },
      maxBufferedBodyBytes: config.server.maxBufferedBodyBytes,
      maxInFlightRequests: config.server.maxInFlightRequests,
      overloadRetryAfterSeconds: config.server.retryAfterSeconds,
    },
    deps,
  );
}

function buildApp(deps: GatewayAppDeps, exportHandler: OtlpExportHandler): express.Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);

  app.post(EXPORT_PATH, exportHandler.handle);
  app.all(EXPORT_PATH, (request: Request) => {
    throw gatewayError('FILESFU_GW_METHOD_NOT_ALLOWED', { method: request.method, path: '/v1/metrics' });
  });

  app.get('/healthz', (_request: Request, response: Response) => {
    response.type('text/plain').send('ok\n');
  });

  app.get('/readyz', (_request: Request, response: Response) => {
    const draining = deps.isDraining();
    const pipelineReady = deps.pipeline.ready();
    response
      .status(!draining && pipelineReady ? 200 : 503)
      .type('text/plain')
      .send(draining ? 'draining\n' : pipelineReady ? 'ready\n' : 'pipeline not ready\n');
  });

  app.get('/metrics', async (_request: Request, response: Response) => {
    response.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  app.use((request: Request) => {
    throw gatewayError('FILESFU_GW_NOT_FOUND', { method: request.method, path: request.path.slice(0, 128) });
  });

  // Express recognises error handlers by arity, so `_next` must stay.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const known = error instanceof GatewayError ? error : undefined;
    if (known === undefined) deps.log('error', 'unhandled error in request', { error, path: request.path });
    if (response.headersSent) {
      response.destroy();
      return;
    }
    writeError(response, known ?? gatewayError('FILESFU_GW_INTERNAL'), 'json');
  });

  return app;
}
