import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceRows } from '../../../src/gateway/config-reference.js';
import { GATEWAY_REFERENCE_DOCS } from '../../../src/gateway/reference-docs.js';

describe('gateway reference docs', () => {
  it.each(GATEWAY_REFERENCE_DOCS.map((doc) => [doc.path, doc] as const))(
    '%s is the generated page (regenerate: npx tsx scripts/generate-docs.ts)',
    (path, doc) => {
      const committed = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
      expect(committed).toBe(doc.render());
    },
  );

  it('names every setting of the config schema', () => {
    const page = GATEWAY_REFERENCE_DOCS.find((doc) => doc.path.endsWith('gateway-config.md'))?.render() ?? '';
    for (const row of configReferenceRows()) expect(page).toContain(`\`${row.key}\``);
  });
});
