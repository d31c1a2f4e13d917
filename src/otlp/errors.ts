// One error type for every way an OTLP payload can be malformed, so that the gateway can map it to
// a 400 without inspecting messages, and tests can assert "never any other exception".

/**
 * A payload (protobuf or OTLP/JSON) that cannot be decoded. `path` locates the offending message,
 * e.g. `resource_metrics[0].scope_metrics[1].metrics[3].histogram.data_points[0]`.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  /** What is wrong, without the location. */
  readonly reason: string;
  // Filled innermost-first while the error unwinds through the enclosing decoders, so the happy
  // path never builds paths.
  private readonly segments: string[] = [];

  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }

  get path(): string {
    return this.segments.join('.');
  }

  /** Prepends the location of the enclosing message; returns this error for rethrowing. */
  within(segment: string): this {
    this.segments.unshift(segment);
    this.message = `${this.path}: ${this.reason}`;
    return this;
  }
}

/** Rethrows `error` located at `segment` (or `segment[index]`) if it is an OtlpDecodeError. */
export function rethrowWithin(error: unknown, segment: string, index?: number): never {
  if (error instanceof OtlpDecodeError) {
    throw error.within(index === undefined ? segment : `${segment}[${index}]`);
  }
  throw error;
}
