import type { AttributeObservations } from '../validation/index.js';

/**
 * The largest attribute count and value size clients sent, over the current and the previous
 * housekeeping interval (so a gauge read just after a rotation still shows the last interval).
 */
export class AttributeMaxima {
  private current: AttributeObservations = { maxAttributes: 0, maxAttributeValueBytes: 0 };
  private previous: AttributeObservations = { maxAttributes: 0, maxAttributeValueBytes: 0 };

  observe(observed: AttributeObservations): void {
    this.current = larger(this.current, observed);
  }

  /** Starts a new interval (on housekeeping). */
  rotate(): void {
    this.previous = this.current;
    this.current = { maxAttributes: 0, maxAttributeValueBytes: 0 };
  }

  read(): AttributeObservations {
    return larger(this.current, this.previous);
  }
}

function larger(a: AttributeObservations, b: AttributeObservations): AttributeObservations {
  return {
    maxAttributes: Math.max(a.maxAttributes, b.maxAttributes),
    maxAttributeValueBytes: Math.max(a.maxAttributeValueBytes, b.maxAttributeValueBytes),
  };
}
