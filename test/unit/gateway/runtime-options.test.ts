import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_OPTIONS, gatewayNodeOptions } from '../../../src/gateway/runtime-options.js';

describe('gatewayNodeOptions', () => {
  it('is the gateway options alone when nothing is inherited', () => {
    expect(gatewayNodeOptions(undefined)).toBe(GATEWAY_NODE_OPTIONS);
    expect(gatewayNodeOptions('')).toBe(GATEWAY_NODE_OPTIONS);
  });

  it("puts inherited options last, so an operator's own V8 flag wins", () => {
    expect(gatewayNodeOptions('--max-semi-space-size=32 --trace-gc')).toBe(
      `${GATEWAY_NODE_OPTIONS} --max-semi-space-size=32 --trace-gc`,
    );
  });
});
