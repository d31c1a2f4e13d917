// OTLP/HTTP content types and encodings. Parsing is allocation-light because it runs per request.

export type WireFormat = 'protobuf' | 'json';
export type BodyEncoding = 'identity' | 'gzip';

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
export const JSON_CONTENT_TYPE = 'application/json';

/** undefined = unsupported (415). Parameters such as charset are ignored. */
export function wireFormatOf(contentType: string | undefined): WireFormat | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === PROTOBUF_CONTENT_TYPE) return 'protobuf';
  if (mediaType === JSON_CONTENT_TYPE) return 'json';
  return undefined;
}

/** undefined = unsupported (415). A missing or empty header means identity. */
export function bodyEncodingOf(contentEncoding: string | undefined): BodyEncoding | undefined {
  if (contentEncoding === undefined) return 'identity';
  const encoding = contentEncoding.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip') return 'gzip';
  return undefined;
}

export function contentTypeFor(format: WireFormat): string {
  return format === 'protobuf' ? PROTOBUF_CONTENT_TYPE : JSON_CONTENT_TYPE;
}
