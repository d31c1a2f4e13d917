// A lower bound for the gateway's CPU per request, started by bench/gateway.ts beside it: a bare
// node:http server that reads the body with the gateway's own reader (gunzip included, same
// limits) and answers 200 with the gateway's empty success body, nothing else. With `decode` as
// argument it also decodes the body with the gateway's OTLP decoder. What the gateway costs above
// these two is authentication, validation, state and aggregation.
//
// Env: FILESFU_FLOOR_PORT (required). Serves GET /readyz for the harness.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { serverConfigSchema } from '../src/gateway/config.js';
import { bodyEncodingOf } from '../src/gateway/http/content-negotiation.js';
import { readRequestBody } from '../src/gateway/http/read-body.js';
import { writeBody } from '../src/gateway/http/respond.js';
import { decodeExportMetricsServiceRequest } from '../src/otlp/index.js';

// The gateway's default body limits, from its config schema.
const defaults = serverConfigSchema.parse({});
const LIMITS = {
  maxCompressedBytes: defaults.maxCompressedBodyBytes,
  maxDecompressedBytes: defaults.maxDecompressedBodyBytes,
};
const decode = process.argv[2] === 'decode';
const port = Number(process.env['FILESFU_FLOOR_PORT']);
if (!Number.isInteger(port) || port <= 0) throw new Error('FILESFU_FLOOR_PORT must be a port number');

// The gateway's own response writer, with its full-success body (empty in protobuf).
const EMPTY = new Uint8Array(0);
function answer(response: ServerResponse, status: number): void {
  writeBody(response, status, 'protobuf', EMPTY);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST') {
    answer(response, 200);
    return;
  }
  const encoding = bodyEncodingOf(request.headers['content-encoding']) ?? 'identity';
  try {
    const { body } = await readRequestBody(request, encoding, LIMITS);
    if (decode && body.length > 0) decodeExportMetricsServiceRequest(body);
    answer(response, 200);
  } catch {
    answer(response, 400);
  }
}

const server = createServer((request, response) => void handle(request, response));
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
