import { errorCatalogue, type GatewayErrorCode, type RpcCode } from './catalogue.js';

export type ErrorParams = Record<string, string | number>;

/** An error from the catalogue: everything needed to answer the client comes from its code. */
export class GatewayError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly rpcCode: RpcCode;
  /** Whole seconds for the Retry-After header (429/503 only). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: GatewayErrorCode,
    readonly params: ErrorParams = {},
  ) {
    const entry = errorCatalogue[code];
    super(renderTemplate(entry.template, params));
    this.name = 'GatewayError';
    this.status = entry.status;
    this.retryable = entry.retryable;
    this.rpcCode = entry.rpcCode;
    const retryAfter = params['retryAfterSeconds'];
    this.retryAfterSeconds = typeof retryAfter === 'number' ? retryAfter : undefined;
  }
}

export function gatewayError(code: GatewayErrorCode, params?: ErrorParams): GatewayError {
  return new GatewayError(code, params);
}

function renderTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Default Retry-After of the gateway's own 503s: a few export intervals of a watchdog are lost at most. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Retry-After is whole seconds; never 0 so that clients actually back off. */
export function retryAfterSecondsFromMs(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
