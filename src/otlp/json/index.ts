export {
  decodeExportMetricsServiceRequestJson,
  decodeExportMetricsServiceRequestJsonBytes,
  decodeExportMetricsServiceRequestJsonValue,
  decodeExportMetricsServiceResponseJson,
} from './decode-metrics.js';
export {
  encodeExportMetricsServiceRequestJson,
  encodeExportMetricsServiceResponseJson,
} from './encode-metrics.js';
export { MAX_JSON_NESTING_DEPTH } from './nesting-depth.js';
