// Every error the gateway's HTTP layer can answer with, in one place, fastify style: a stable code
// that clients and dashboards can match on, the HTTP status, whether an OTLP client should retry,
// the google.rpc.Code carried in the Status body, and a message template.
//
// Retryable follows the OTLP/HTTP spec: only 429, 502, 503 and 504 are retried by exporters; any
// other 4xx tells the client to drop the data, so a code is only "retryable" if its status is one
// of those.

/** google.rpc.Code values used in Status bodies. */
export const RpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

export interface CatalogueEntry {
  status: number;
  retryable: boolean;
  rpcCode: RpcCode;
  /** `{name}` placeholders are filled from the error's params. */
  template: string;
}

export const errorCatalogue = {
  FILESFU_GW_AUTH_MISSING: {
    status: 401,
    retryable: false,
    rpcCode: RpcCode.Unauthenticated,
    template: 'missing credentials: send "Authorization: Bearer <install token>"',
  },
  FILESFU_GW_AUTH_INVALID: {
    status: 401,
    retryable: false,
    rpcCode: RpcCode.Unauthenticated,
    template: 'invalid install token ({reason})',
  },
  FILESFU_GW_AUTH_EXPIRED: {
    status: 401,
    retryable: false,
    rpcCode: RpcCode.Unauthenticated,
    template: 'install token expired: older than {maxAgeSeconds} s, mint a new one',
  },
  FILESFU_GW_AUTH_REVOKED: {
    status: 401,
    retryable: false,
    rpcCode: RpcCode.Unauthenticated,
    template: 'this install has been revoked',
  },
  FILESFU_GW_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'unsupported Content-Type "{contentType}": use application/x-protobuf or application/json',
  },
  FILESFU_GW_UNSUPPORTED_ENCODING: {
    status: 415,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'unsupported Content-Encoding "{encoding}": use gzip or identity',
  },
  FILESFU_GW_BODY_TOO_LARGE: {
    status: 413,
    retryable: false,
    rpcCode: RpcCode.ResourceExhausted,
    template: 'request body exceeds {limitBytes} bytes; send smaller batches',
  },
  FILESFU_GW_DECOMPRESSED_TOO_LARGE: {
    status: 413,
    retryable: false,
    rpcCode: RpcCode.ResourceExhausted,
    template: 'decompressed request body exceeds {limitBytes} bytes; send smaller batches',
  },
  FILESFU_GW_BODY_INCOMPLETE: {
    status: 400,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'request body ended early ({reason})',
  },
  FILESFU_GW_BAD_GZIP: {
    status: 400,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'request body is not valid gzip ({reason})',
  },
  FILESFU_GW_BAD_PAYLOAD: {
    status: 400,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'cannot decode ExportMetricsServiceRequest: {reason}',
  },
  FILESFU_GW_INVALID_REQUEST: {
    status: 400,
    retryable: false,
    rpcCode: RpcCode.InvalidArgument,
    template: 'request rejected: {reason}',
  },
  FILESFU_GW_RATE_LIMITED_INSTALL: {
    status: 429,
    retryable: true,
    rpcCode: RpcCode.ResourceExhausted,
    template: 'too many requests from this install; retry after {retryAfterSeconds} s',
  },
  FILESFU_GW_RATE_LIMITED_CREDENTIAL: {
    status: 429,
    retryable: true,
    rpcCode: RpcCode.ResourceExhausted,
    template: 'too many requests for this signing key; retry after {retryAfterSeconds} s',
  },
  FILESFU_GW_OVERLOADED: {
    status: 503,
    retryable: true,
    rpcCode: RpcCode.Unavailable,
    template: 'gateway is shedding load ({reason}); retry after {retryAfterSeconds} s',
  },
  FILESFU_GW_BODY_BUDGET_EXHAUSTED: {
    status: 503,
    retryable: true,
    rpcCode: RpcCode.Unavailable,
    template:
      "request bodies in flight fill this replica's memory budget ({limitBytes} bytes, server.maxBufferedBodyBytes); retry after {retryAfterSeconds} s",
  },
  FILESFU_GW_SHUTTING_DOWN: {
    status: 503,
    retryable: true,
    rpcCode: RpcCode.Unavailable,
    template: 'gateway replica is shutting down; retry after {retryAfterSeconds} s',
  },
  FILESFU_GW_NOT_FOUND: {
    status: 404,
    retryable: false,
    rpcCode: RpcCode.NotFound,
    template: 'no such endpoint: {method} {path}',
  },
  FILESFU_GW_METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    rpcCode: RpcCode.Unimplemented,
    template: '{method} is not allowed on {path}',
  },
  FILESFU_GW_INTERNAL: {
    status: 500,
    retryable: false,
    rpcCode: RpcCode.Internal,
    template: 'internal error',
  },
  FILESFU_GW_INSTALL_MISMATCH: {
    status: 403,
    retryable: false,
    rpcCode: RpcCode.PermissionDenied,
    template: 'credential not valid for this data: {reason}',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type GatewayErrorCode = keyof typeof errorCatalogue;

export const gatewayErrorCodes = Object.keys(errorCatalogue) as GatewayErrorCode[];
