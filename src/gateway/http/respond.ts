// Writing responses on the raw node:http objects: express's res.send() would compute ETags and
// re-derive content types on every request, none of which OTLP needs.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeRpcStatusJson, encodeRpcStatusProtobuf, type GatewayError } from '../errors/index.js';
import { contentTypeFor, type WireFormat } from './content-negotiation.js';
import { reasonPhrase } from './reason-phrase.js';

export function writeBody(
  response: ServerResponse,
  status: number,
  format: WireFormat,
  body: Uint8Array,
): void {
  response.statusCode = status;
  response.setHeader('Content-Type', contentTypeFor(format));
  response.setHeader('Content-Length', body.byteLength);
  // An empty body (the protobuf full-success answer) ends without a chunk: node then sends the
  // head in one write() instead of a corked writev of head + empty chunk.
  if (body.byteLength === 0) response.end();
  else response.end(body);
}

/** An error as google.rpc.Status in the request's wire format (JSON when the request's was unusable). */
export function writeError(response: ServerResponse, error: GatewayError, format: WireFormat): void {
  const status = { code: error.rpcCode, message: `${error.code}: ${error.message}` };
  if (error.retryAfterSeconds !== undefined)
    response.setHeader('Retry-After', String(error.retryAfterSeconds));
  response.setHeader('X-FilesFU-Error-Code', error.code);
  // Standard SDKs log the reason phrase, not the body (Python: "reason: ..."; JS: the error message).
  response.statusMessage = reasonPhrase(error);
  // RFC 9110: a 401 names the scheme to authenticate with, a 405 the methods that are allowed.
  if (error.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="filesfu"');
  if (error.status === 405) response.setHeader('Allow', 'POST');
  writeBody(
    response,
    error.status,
    format,
    format === 'protobuf' ? encodeRpcStatusProtobuf(status) : encodeRpcStatusJson(status),
  );
}

/**
 * After answering without reading the whole body: let node discard the rest so that a keep-alive
 * client reads our answer instead of a connection reset, but only up to `maxDiscardBytes`; a
 * client that keeps streaming past that loses its connection.
 */
export function discardRemainingBody(request: IncomingMessage, maxDiscardBytes: number): void {
  if (request.complete) return;
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxDiscardBytes) request.socket.destroy();
  });
  request.on('error', () => {});
  request.resume();
}
