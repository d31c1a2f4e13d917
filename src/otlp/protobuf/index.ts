export { ProtobufReader, WireType } from './reader.js';
export { ProtobufWriter } from './writer.js';
export { MAX_ANY_VALUE_DEPTH } from './decode-common.js';
export { decodeExportMetricsServiceRequest } from './decode-metrics.js';
export { decodeExportMetricsServiceResponse } from './decode-response.js';
export { encodeExportMetricsServiceRequest, encodeExportMetricsServiceResponse } from './encode-metrics.js';
