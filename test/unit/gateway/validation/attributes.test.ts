import { describe, expect, it } from 'vitest';
import type { AttributeObservations } from '../../../../src/gateway/validation/attributes.js';
import { checkAttributeLimits } from '../../../../src/gateway/validation/attributes.js';

const limits = { maxAttributes: 8, maxAttributeValueBytes: 12 };
const kv = (value: string) => ({ key: 'k', value });

describe('checkAttributeLimits', () => {
  it('observes the exact largest UTF-8 size and refuses values over the limit, whatever it measured before', () => {
    const observed: AttributeObservations = { maxAttributes: 0, maxAttributeValueBytes: 0 };
    expect(checkAttributeLimits([kv('idle')], limits, observed)).toBeUndefined();
    expect(observed.maxAttributeValueBytes).toBe(4);
    // Short values after a larger one leave the maximum alone.
    expect(checkAttributeLimits([kv('abcdef'), kv('a')], limits, observed)).toBeUndefined();
    expect(observed.maxAttributeValueBytes).toBe(6);
    expect(checkAttributeLimits([kv('ab')], limits, observed)).toBeUndefined();
    expect(observed.maxAttributeValueBytes).toBe(6);
    // 3 characters but 9 bytes (3 × 'ह'): larger than anything seen, measured exactly.
    expect(checkAttributeLimits([kv('हहह')], limits, observed)).toBeUndefined();
    expect(observed.maxAttributeValueBytes).toBe(9);
    // 5 characters, 13 bytes (4 × 'ह' + 'x'): over the 12-byte limit.
    expect(checkAttributeLimits([kv('हहहहx')], limits, observed)).toBe('attribute_value_too_long');
    expect(observed.maxAttributeValueBytes).toBe(13);
    // Once something over the limit was seen, a value just over it is still refused.
    expect(checkAttributeLimits([kv('x'.repeat(13))], limits, observed)).toBe('attribute_value_too_long');
  });
});
