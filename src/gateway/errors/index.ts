export { errorCatalogue, gatewayErrorCodes, RpcCode } from './catalogue.js';
export type { CatalogueEntry, GatewayErrorCode } from './catalogue.js';
export {
  DEFAULT_RETRY_AFTER_SECONDS,
  GatewayError,
  gatewayError,
  retryAfterSecondsFromMs,
} from './gateway-error.js';
export type { ErrorParams } from './gateway-error.js';
export { encodeRpcStatusJson, encodeRpcStatusProtobuf } from './rpc-status.js';
export type { RpcStatus } from './rpc-status.js';
export { renderErrorReference } from './reference.js';
