// POST /v1/metrics, per the OTLP/HTTP spec: authenticate and throttle before reading the body,
// read it under size limits, decode, hand it to the pipeline, answer with an
// ExportMetricsServiceResponse (partial_success when points were rejected) or a google.rpc.Status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  OtlpDecodeError,
  decodeExportMetricsServiceRequest,
  decodeExportMetricsServiceRequestJsonBytes,
  encodeExportMetricsServiceResponse,
  encodeExportMetricsServiceResponseJson,
  type ExportMetricsServiceRequest,
  type ExportMetricsServiceResponse,
} from '../../otlp/index.js';
import type { Authenticator } from '../auth/index.js';
import { GatewayError, gatewayError, retryAfterSecondsFromMs } from '../errors/index.js';
import type { IngestOutcome, Pipeline } from '../pipeline/index.js';
import type { RateLimiter } from '../ratelimit/index.js';
import { BodyBudget, type BodyLease } from './body-budget.js';
import { bodyEncodingOf, wireFormatOf, type WireFormat } from './content-negotiation.js';
import type { Log } from './json-log.js';
import { readRequestBody, type BodyLimits } from './read-body.js';
import { discardRemainingBody, writeBody, writeError } from './respond.js';
import type { HttpMetrics } from './self-metrics.js';

export interface OtlpHandlerOptions {
  limits: BodyLimits;
  /** Body bytes (read plus inflated) all requests in flight may hold together. */
  maxBufferedBodyBytes: number;
  maxInFlightRequests: number;
  /** Retry-After for 503s the HTTP layer decides itself (in-flight cap, body budget, draining). */
  overloadRetryAfterSeconds: number;
}

export interface OtlpHandlerDeps {
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  pipeline: Pipeline;
  metrics: HttpMetrics;
  log: Log;
  isDraining: () => boolean;
}

const MAX_ECHOED_HEADER_LENGTH = 64;
const BODY_BUDGET_EXHAUSTED = 'FILESFU_GW_BODY_BUDGET_EXHAUSTED';

/** The answer to almost every request (nothing rejected), encoded once instead of per request. */
const FULL_SUCCESS: Readonly<Record<WireFormat, Uint8Array>> = {
  protobuf: toBytes(encodeExportMetricsServiceResponse({})),
  json: toBytes(encodeExportMetricsServiceResponseJson({})),
};

export class OtlpExportHandler {
  private inFlight = 0;
  private readonly bodyBudget: BodyBudget;

  constructor(
    private readonly options: OtlpHandlerOptions,
    private readonly deps: OtlpHandlerDeps,
  ) {
    this.bodyBudget = new BodyBudget(options.maxBufferedBodyBytes);
    deps.metrics.observeBodyBudget(() => this.bodyBudget.reservedBytes);
  }

  get inFlightRequests(): number {
    return this.inFlight;
  }

  /** Never rejects: every failure becomes a response. */
  readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    const format = wireFormatOf(request.headers['content-type']);
    // While draining, every answer also closes its connection so the drain does not wait on idle keep-alives.
    if (this.deps.isDraining()) response.setHeader('Connection', 'close');
    try {
      const error = await this.handleExport(request, response, format);
      if (error !== undefined) this.refuse(request, response, error, format ?? 'json');
    } catch (error) {
      this.deps.log('error', 'export request failed unexpectedly', { error });
      if (!response.headersSent)
        this.refuse(request, response, gatewayError('FILESFU_GW_INTERNAL'), format ?? 'json');
    }
    this.deps.metrics.requests.inc({ code: response.statusCode });
    this.deps.metrics.duration.observe((performance.now() - startedAt) / 1000);
  };

  /** Returns the error to answer with, or undefined once a success response was written. */
  private async handleExport(
    request: IncomingMessage,
    response: ServerResponse,
    format: WireFormat | undefined,
  ): Promise<GatewayError | undefined> {
    const { deps, options } = this;
    if (deps.isDraining()) {
      return gatewayError('FILESFU_GW_SHUTTING_DOWN', {
        retryAfterSeconds: options.overloadRetryAfterSeconds,
      });
    }
    const auth = await deps.authenticator.authenticate(request.headers.authorization);
    if (!auth.ok) {
      deps.metrics.authFailures.inc({ reason: auth.reason });
      return auth.error;
    }
    if (format === undefined) {
      return gatewayError('FILESFU_GW_UNSUPPORTED_MEDIA_TYPE', {
        contentType: echo(request.headers['content-type'] ?? ''),
      });
    }
    const encoding = bodyEncodingOf(request.headers['content-encoding']);
    if (encoding === undefined) {
      return gatewayError('FILESFU_GW_UNSUPPORTED_ENCODING', {
        encoding: echo(request.headers['content-encoding'] ?? ''),
      });
    }
    const { installId, keyId } = auth.principal;
    const rate = await deps.rateLimiter.check(installId, keyId);
    if (!rate.allowed) {
      deps.metrics.throttled.inc({ reason: rate.reason });
      return gatewayError(
        rate.reason === 'rate_limit_install'
          ? 'FILESFU_GW_RATE_LIMITED_INSTALL'
          : 'FILESFU_GW_RATE_LIMITED_CREDENTIAL',
        { retryAfterSeconds: retryAfterSecondsFromMs(rate.retryAfterMs) },
      );
    }
    const backpressure = deps.pipeline.backpressure();
    if (!backpressure.accepting || this.inFlight >= options.maxInFlightRequests) {
      deps.metrics.throttled.inc({ reason: 'backpressure' });
      return backpressure.accepting
        ? gatewayError('FILESFU_GW_OVERLOADED', {
            reason: 'too many requests in flight',
            retryAfterSeconds: options.overloadRetryAfterSeconds,
          })
        : gatewayError('FILESFU_GW_OVERLOADED', {
            reason: backpressure.reason,
            retryAfterSeconds: Math.max(1, Math.ceil(backpressure.retryAfterSeconds)),
          });
    }
    // Node's parser has already refused a Content-Length that is not a number.
    const declared = request.headers['content-length'];
    if (!this.bodyBudget.admits(declared === undefined ? undefined : Number(declared))) {
      deps.metrics.bodyBudgetRefused.inc({ stage: 'admission' });
      return this.bodyBudgetExhausted();
    }

    this.inFlight += 1;
    try {
      return await this.ingest(request, response, format, encoding, auth.principal);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async ingest(
    request: IncomingMessage,
    response: ServerResponse,
    format: WireFormat,
    encoding: 'identity' | 'gzip',
    principal: { installId: string; keyId: string },
  ): Promise<GatewayError | undefined> {
    // The body's bytes stay reserved until the pipeline is done with them, whatever the outcome.
    const lease = this.bodyBudget.lease();
    try {
      return await this.ingestUnderLease(request, response, format, encoding, principal, lease);
    } finally {
      lease.release();
    }
  }

  private async ingestUnderLease(
    request: IncomingMessage,
    response: ServerResponse,
    format: WireFormat,
    encoding: 'identity' | 'gzip',
    principal: { installId: string; keyId: string },
    lease: BodyLease,
  ): Promise<GatewayError | undefined> {
    const { deps } = this;
    let body: Buffer;
    try {
      const read = await readRequestBody(request, encoding, this.options.limits, lease);
      body = read.body;
      deps.metrics.bytes.inc({ stage: 'compressed' }, read.wireBytes);
      deps.metrics.bytes.inc({ stage: 'decompressed' }, body.length);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      if (error.code !== BODY_BUDGET_EXHAUSTED) return error;
      deps.metrics.bodyBudgetRefused.inc({ stage: 'reading' });
      return this.bodyBudgetExhausted();
    }

    let decoded: ExportMetricsServiceRequest;
    try {
      decoded =
        format === 'protobuf'
          ? decodeExportMetricsServiceRequest(body)
          : decodeExportMetricsServiceRequestJsonBytes(body);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) {
        // Still the client's bytes that triggered it, so still a 400; but the decoder should have
        // said so itself.
        deps.log('warn', 'decoder threw a non-OtlpDecodeError', { error });
      }
      return gatewayError('FILESFU_GW_BAD_PAYLOAD', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }

    let outcome: IngestOutcome;
    try {
      outcome = await deps.pipeline.ingest(decoded, principal);
    } catch (error) {
      // The pipeline signals a retryable state-store failure with a catalogue error (503).
      if (error instanceof GatewayError) return error;
      throw error;
    }
    if (outcome.invalidRequest) {
      return gatewayError(outcome.forbidden ? 'FILESFU_GW_INSTALL_MISMATCH' : 'FILESFU_GW_INVALID_REQUEST', {
        reason: outcome.errorMessage === '' ? 'no acceptable data points' : outcome.errorMessage,
      });
    }
    if (outcome.rejectedDataPoints === 0 && outcome.errorMessage === '') {
      writeBody(response, 200, format, FULL_SUCCESS[format]);
    } else {
      const answer: ExportMetricsServiceResponse = {
        partialSuccess: {
          rejectedDataPoints: outcome.rejectedDataPoints,
          errorMessage: outcome.errorMessage,
        },
      };
      writeBody(
        response,
        200,
        format,
        toBytes(
          format === 'protobuf'
            ? encodeExportMetricsServiceResponse(answer)
            : encodeExportMetricsServiceResponseJson(answer),
        ),
      );
    }
    return undefined;
  }

  private bodyBudgetExhausted(): GatewayError {
    return gatewayError(BODY_BUDGET_EXHAUSTED, {
      limitBytes: this.options.maxBufferedBodyBytes,
      retryAfterSeconds: this.options.overloadRetryAfterSeconds,
    });
  }

  private refuse(
    request: IncomingMessage,
    response: ServerResponse,
    error: GatewayError,
    format: WireFormat,
  ): void {
    if (!request.complete) {
      // The unread rest of a rejected body is only worth discarding while it is small.
      if (error.status === 413 || error.code === BODY_BUDGET_EXHAUSTED) {
        response.setHeader('Connection', 'close');
      }
      discardRemainingBody(request, this.options.limits.maxCompressedBytes);
    }
    writeError(response, error, format);
  }
}

function echo(value: string): string {
  return value.length > MAX_ECHOED_HEADER_LENGTH ? `${value.slice(0, MAX_ECHOED_HEADER_LENGTH)}…` : value;
}

function toBytes(encoded: string | Uint8Array): Uint8Array {
  return typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded;
}
