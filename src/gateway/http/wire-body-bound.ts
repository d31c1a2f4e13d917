/**
 * The wire bound of a request body (bytes as sent, gzip or not) is the inflated bound divided by
 * this: an OTLP body near these bounds repeats the same keys thousands of times and gzips by far
 * more than 4:1, so a body that fits inflated fits on the wire; uncompressed bodies get the wire bound.
 */
export const WIRE_BODY_DIVISOR = 4;

export const maxCompressedBodyBytes = (maxDecompressedBodyBytes: number): number =>
  Math.floor(maxDecompressedBodyBytes / WIRE_BODY_DIVISOR);
