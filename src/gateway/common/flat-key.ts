/**
 * `parts` joined by `separator` as one flat string, for keys that live long in a Map. A template
 * literal or `+` of long strings builds a rope (V8 cons strings) that is never flattened in place: a
 * session key `${installId}/${sessionId}` stayed two cons cells plus the session id, three heap
 * objects instead of one, and every major GC marked them (400k extra objects for 200k sessions;
 * heap snapshot). Array.prototype.join copies into one sequential string.
 */
export function flatKey(separator: string, parts: readonly string[]): string {
  return parts.join(separator);
}
