// Reads a request body under two limits: the bytes on the wire, and the bytes after gunzip. Inflating
// is abandoned the moment the decompressed cap is crossed, so a gzip bomb costs at most
// `maxDecompressedBytes` of memory and the CPU to produce them, never the full expansion.

import type { IncomingMessage } from 'node:http';
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import { gatewayError, type GatewayError } from '../errors/index.js';
import type { BodyEncoding } from './content-negotiation.js';

export interface BodyLimits {
  maxCompressedBytes: number;
  maxDecompressedBytes: number;
}

export interface ReadBody {
  body: Buffer;
  wireBytes: number;
}

/** Rejects with a GatewayError (413 / 400); the caller answers and discards the rest of the body. */
export function readRequestBody(
  request: IncomingMessage,
  encoding: BodyEncoding,
  limits: BodyLimits,
): Promise<ReadBody> {
  const wireLimit =
    encoding === 'gzip'
      ? limits.maxCompressedBytes
      : Math.min(limits.maxCompressedBytes, limits.maxDecompressedBytes);
  const declared = request.headers['content-length'];
  const declaredBytes = declared === undefined ? undefined : Number(declared);
  if (declaredBytes !== undefined && declaredBytes > wireLimit) {
    return Promise.reject(gatewayError('FILESFU_GW_BODY_TOO_LARGE', { limitBytes: wireLimit }));
  }
  // A client that hung up while the request waited (auth, rate limit) left a destroyed stream, which
  // emits nothing more: listening would wait forever and hold an in-flight slot.
  if (request.destroyed) return Promise.reject(clientClosed());
  if (encoding !== 'gzip') return readWhole(request, wireLimit);
  return declaredBytes !== undefined && declaredBytes <= INFLATE_IN_ONE_CALL_MAX_WIRE_BYTES
    ? readGzipInOneCall(request, limits)
    : readGzipStream(request, limits);
}

/**
 * Gzip bodies up to this size on the wire (every watchdog export, 1000-point batches included) are
 * read whole and inflated in one synchronous call, which costs about half the CPU of a zlib stream
 * (no zlib instance, thread-pool hops or per-chunk copies). The decompressed cap still stops
 * inflating early, so the worst case is a bomb of this size inflating to that cap on the event
 * loop. Larger bodies are inflated as a stream, between other requests. A strategy threshold, not a
 * limit.
 */
const INFLATE_IN_ONE_CALL_MAX_WIRE_BYTES = 64 * 1024;

async function readGzipInOneCall(request: IncomingMessage, limits: BodyLimits): Promise<ReadBody> {
  const compressed = await readWhole(request, limits.maxCompressedBytes);
  try {
    const body = gunzipSync(compressed.body, { maxOutputLength: limits.maxDecompressedBytes });
    return { body, wireBytes: compressed.wireBytes };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw gatewayError('FILESFU_GW_DECOMPRESSED_TOO_LARGE', { limitBytes: limits.maxDecompressedBytes });
    }
    throw gatewayError('FILESFU_GW_BAD_GZIP', { reason: (error as Error).message });
  }
}

function readWhole(request: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        detach();
        reject(gatewayError('FILESFU_GW_BODY_TOO_LARGE', { limitBytes: limit }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      detach();
      // Most watchdog requests arrive in one chunk: no copy then.
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
      resolve({ body, wireBytes: received });
    };
    const onAbort = (): void => {
      detach();
      reject(clientClosed());
    };
    const detach = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAbort);
      request.off('aborted', onAbort);
      request.off('close', onAbort);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAbort);
    request.on('aborted', onAbort);
    // 'close' before 'end' (after it, onEnd has detached): destroyed without an error listener.
    request.on('close', onAbort);
  });
}

function readGzipStream(request: IncomingMessage, limits: BodyLimits): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const inflater: Gunzip = createGunzip();
    const output: Buffer[] = [];
    let received = 0;
    let inflated = 0;
    let settled = false;

    const settle = (error: GatewayError | undefined): void => {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAbort);
      request.off('aborted', onAbort);
      request.off('close', onClose);
      inflater.off('data', onInflated);
      inflater.off('end', onInflatedEnd);
      inflater.off('drain', onDrain);
      if (error === undefined) {
        resolve({
          body: output.length === 1 ? (output[0] as Buffer) : Buffer.concat(output, inflated),
          wireBytes: received,
        });
        return;
      }
      // Stop inflating now; later zlib errors have nobody to report to.
      inflater.on('error', ignore);
      inflater.destroy();
      request.resume();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxCompressedBytes) {
        settle(gatewayError('FILESFU_GW_BODY_TOO_LARGE', { limitBytes: limits.maxCompressedBytes }));
        return;
      }
      // Backpressure: do not buffer compressed input faster than zlib inflates it.
      if (!inflater.write(chunk)) request.pause();
    };
    const onDrain = (): void => {
      request.resume();
    };
    let ended = false;
    const onEnd = (): void => {
      ended = true;
      inflater.end();
    };
    const onAbort = (): void => {
      settle(clientClosed());
    };
    // After 'end' the body is complete and inflating goes on; before it, the client hung up.
    const onClose = (): void => {
      if (!ended) onAbort();
    };
    const onInflated = (chunk: Buffer): void => {
      inflated += chunk.length;
      if (inflated > limits.maxDecompressedBytes) {
        settle(
          gatewayError('FILESFU_GW_DECOMPRESSED_TOO_LARGE', { limitBytes: limits.maxDecompressedBytes }),
        );
        return;
      }
      output.push(chunk);
    };
    const onInflatedEnd = (): void => {
      settle(undefined);
    };
    inflater.on('data', onInflated);
    inflater.on('end', onInflatedEnd);
    inflater.on('drain', onDrain);
    inflater.on('error', (error: Error) => {
      settle(gatewayError('FILESFU_GW_BAD_GZIP', { reason: error.message }));
    });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAbort);
    request.on('aborted', onAbort);
    request.on('close', onClose);
  });
}

function clientClosed(): GatewayError {
  return gatewayError('FILESFU_GW_BODY_INCOMPLETE', { reason: 'client closed the connection' });
}

function ignore(): void {}
