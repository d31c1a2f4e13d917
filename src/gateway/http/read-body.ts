// Reads a request body under two per-request limits, the bytes on the wire and the bytes after
// gunzip, and under the replica-wide body budget (a lease on it). Reading or inflating is abandoned
// the moment a cap (413) or the budget (503) would be crossed, so a gzip bomb costs at most what
// both allow, never the full expansion.

import type { IncomingMessage } from 'node:http';
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import { gatewayError, type GatewayError } from '../errors/index.js';
import { UNBOUNDED_RESERVATIONS, type BodyReservations } from './body-budget.js';
import type { BodyEncoding } from './content-negotiation.js';

export interface BodyLimits {
  maxCompressedBytes: number;
  maxDecompressedBytes: number;
}

export interface ReadBody {
  body: Buffer;
  wireBytes: number;
}

/**
 * Rejects with a GatewayError (413 / 400, 503 when the budget runs out); the caller answers and
 * discards the rest of the body. Every byte held is reserved on `lease` (none without one); the
 * caller releases it once done with the body, whatever the outcome.
 */
export function readRequestBody(
  request: IncomingMessage,
  encoding: BodyEncoding,
  limits: BodyLimits,
  lease: BodyReservations = UNBOUNDED_RESERVATIONS,
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
  if (encoding !== 'gzip') return readWhole(request, wireLimit, lease);
  return declaredBytes !== undefined && declaredBytes <= INFLATE_IN_ONE_CALL_MAX_WIRE_BYTES
    ? readGzipInOneCall(request, limits, lease)
    : readGzipStream(request, limits, lease);
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

async function readGzipInOneCall(
  request: IncomingMessage,
  limits: BodyLimits,
  lease: BodyReservations,
): Promise<ReadBody> {
  const compressed = await readWhole(request, limits.maxCompressedBytes, lease);
  // The output may not outgrow what the budget still allows; synchronous, so nothing else reserves
  // in between and the reservation below cannot fail.
  const budgetBound = lease.availableBytes < limits.maxDecompressedBytes;
  const maxOutputLength = budgetBound ? lease.availableBytes : limits.maxDecompressedBytes;
  if (maxOutputLength <= 0) throw budgetExhausted();
  let body: Buffer;
  try {
    body = gunzipSync(compressed.body, { maxOutputLength });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw budgetBound
        ? budgetExhausted()
        : gatewayError('FILESFU_GW_DECOMPRESSED_TOO_LARGE', { limitBytes: limits.maxDecompressedBytes });
    }
    throw gatewayError('FILESFU_GW_BAD_GZIP', { reason: (error as Error).message });
  }
  if (!lease.reserve(body.length)) throw budgetExhausted();
  return { body, wireBytes: compressed.wireBytes };
}

function readWhole(request: IncomingMessage, limit: number, lease: BodyReservations): Promise<ReadBody> {
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
      if (!lease.reserve(chunk.length)) {
        detach();
        chunks.length = 0;
        reject(budgetExhausted());
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

function readGzipStream(
  request: IncomingMessage,
  limits: BodyLimits,
  lease: BodyReservations,
): Promise<ReadBody> {
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
      output.length = 0;
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
      // Held until the request ends: zlib may still buffer it.
      if (!lease.reserve(chunk.length)) {
        settle(budgetExhausted());
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
      if (!lease.reserve(chunk.length)) {
        settle(budgetExhausted());
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

function budgetExhausted(): GatewayError {
  return gatewayError('FILESFU_GW_BODY_BUDGET_EXHAUSTED');
}

function clientClosed(): GatewayError {
  return gatewayError('FILESFU_GW_BODY_INCOMPLETE', { reason: 'client closed the connection' });
}

function ignore(): void {}
