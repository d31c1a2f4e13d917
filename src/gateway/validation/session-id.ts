// What a session.id must look like. UUID-ish: the watchdog sends UUID v4, but any opaque token of
// letters, digits and dashes is harmless because session.id never becomes a label.
export const SESSION_ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]*$/;
export const MIN_SESSION_ID_LENGTH = 8;
/**
 * Fixed, not a setting: session ids are UUIDs (36 characters) from the watchdog and the SDK recipes,
 * and the bound keeps state keys and exemplars (which carry the id) small.
 */
export const MAX_SESSION_ID_LENGTH = 64;
