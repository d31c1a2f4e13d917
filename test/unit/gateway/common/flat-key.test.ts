import { describe, expect, it } from 'vitest';
import { flatKey } from '../../../../src/gateway/common/flat-key.js';

describe('flatKey', () => {
  it('joins the parts with the separator, as a template literal would', () => {
    const install = '2f1d3c4b-0000-4000-8000-000000000001';
    const session = 'a1b2c3d4-0000-4000-8000-000000000002';
    expect(flatKey('/', [install, session])).toBe(`${install}/${session}`);
    expect(flatKey(':', ['i', install])).toBe(`i:${install}`);
  });
});
