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
