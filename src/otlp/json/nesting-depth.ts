// The nesting depth of JSON text, bounded before JSON.parse builds anything: a body of a few MB can
// nest a million levels, which every consumer that walks the parsed value pays for. One pass over
// the text, skipping strings with indexOf.

import { OtlpDecodeError } from '../errors.js';
import { MAX_ANY_VALUE_DEPTH } from './decode-common.js';

/**
 * The deepest a request the decoder accepts can nest, plus 15 levels of headroom for fields a newer
 * OTLP may add: an exemplar's filtered attribute value sits 15 levels deep (request →
 * resourceMetrics → … → exemplars → filteredAttributes → value), each of its MAX_ANY_VALUE_DEPTH
 * nested kvlists adds 4 (kvlistValue → values → KeyValue → value), and the innermost may hold an
 * empty kvlist (2): 145 for MAX_ANY_VALUE_DEPTH = 32.
 */
export const MAX_JSON_NESTING_DEPTH = 15 + 4 * MAX_ANY_VALUE_DEPTH + 2 + 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Throws an OtlpDecodeError naming the limit when objects/arrays in `text` nest deeper than `maxDepth`. */
export function checkJsonNestingDepth(text: string, maxDepth = MAX_JSON_NESTING_DEPTH): void {
  if (nestingExceeds(text, maxDepth)) {
    throw new OtlpDecodeError(
      `JSON objects and arrays nested deeper than ${maxDepth} levels (MAX_JSON_NESTING_DEPTH); ` +
        'no OTLP request nests that deep: flatten the attribute values',
    );
  }
}

/**
 * Exact for valid JSON. Invalid JSON may be miscounted, but JSON.parse rejects it anyway, and every
 * bracket it would open before failing has been counted here.
 */
function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote: the next quote preceded by an even number of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return false;
        let k = i - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((i - 1 - k) % 2 === 0) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
