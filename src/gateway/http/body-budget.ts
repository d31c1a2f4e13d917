// One memory budget for request bodies across every request in flight: the bytes read off the wire
// and the bytes gunzip produced are reserved as they arrive and returned when the request's
// handling is over. Per-request caps bound one request; this bounds their sum, so no number of
// concurrent requests (gzip bombs included) can hold more body memory than the budget.

/** The replica-wide account. Single-threaded: reservations never interleave. */
export class BodyBudget {
  private reserved = 0;

  constructor(readonly limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) {
      throw new RangeError(`body budget must be a positive whole number of bytes, got ${limitBytes}`);
    }
  }

  get reservedBytes(): number {
    return this.reserved;
  }

  get availableBytes(): number {
    return this.limitBytes - this.reserved;
  }

  /**
   * Whether a new request may start reading: something is left, and at least the body it declared
   * (Content-Length) fits, so a request that cannot complete is refused before anything is read.
   */
  admits(declaredBytes: number | undefined): boolean {
    const available = this.availableBytes;
    return available > 0 && (declaredBytes === undefined || declaredBytes <= available);
  }

  /** A per-request account; release it once the request no longer holds its body. */
  lease(): BodyLease {
    return new BodyLease(this);
  }

  /** @internal all or nothing: false leaves the account untouched. */
  take(bytes: number): boolean {
    if (bytes > this.limitBytes - this.reserved) return false;
    this.reserved += bytes;
    return true;
  }

  /** @internal */
  give(bytes: number): void {
    this.reserved -= bytes;
  }
}

/** What a body reader needs of an account. */
export interface BodyReservations {
  /** What may still be reserved. */
  readonly availableBytes: number;
  /** Reserves `bytes` more; false (nothing reserved) when they do not fit. */
  reserve(bytes: number): boolean;
}

/** Reservations without a budget (per-request caps only). */
export const UNBOUNDED_RESERVATIONS: BodyReservations = {
  availableBytes: Number.MAX_SAFE_INTEGER,
  reserve: () => true,
};

/** What one request holds of the budget. Releasing is idempotent and closes the lease. */
export class BodyLease implements BodyReservations {
  private held = 0;
  private released = false;

  constructor(private readonly budget: BodyBudget) {}

  get heldBytes(): number {
    return this.held;
  }

  get availableBytes(): number {
    return this.released ? 0 : this.budget.availableBytes;
  }

  /** False too once released: a closed lease reserves nothing. */
  reserve(bytes: number): boolean {
    if (this.released || !this.budget.take(bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.give(this.held);
    this.held = 0;
  }
}
