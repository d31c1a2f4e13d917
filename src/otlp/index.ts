// The OTLP metrics codec: the decoded model, protobuf and OTLP/JSON decoders/encoders, and the one
// error type every malformed payload ends in.
export * from './model.js';
export { OtlpDecodeError } from './errors.js';
export * from './protobuf/index.js';
export * from './json/index.js';
