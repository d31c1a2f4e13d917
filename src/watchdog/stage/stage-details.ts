// Turns a stage event's `detail` object into the point attributes the watchdog exports with its CPU
// samples (wire.ts STAGE_DETAILS: `fileNameLength` → `filesfu.file.name.length`). Only the listed keys
// with non-negative safe-integer values become attributes: every other key or value is reported back so
// the caller can log it, and is never exported (unbounded attribute values would multiply the points).
import { STAGE_DETAILS } from '../../model/index.js';

/** Point attributes from stage details, keyed by attribute name (e.g. `filesfu.file.name.length`). */
export type StageDetailAttributes = Readonly<Record<string, number>>;

export interface StageDetailsResult {
  attributes: StageDetailAttributes;
  /** Keys of the detail object that were not exported: unknown, or not a non-negative integer. */
  ignored: string[];
}

export const NO_DETAILS: StageDetailAttributes = Object.freeze({});

const attributeByEventKey: ReadonlyMap<string, string> = new Map(
  STAGE_DETAILS.map((detail) => [detail.eventKey, detail.attribute]),
);

/** The attribute names the watchdog may export besides the stage (the only ones it ever sets). */
export const STAGE_DETAIL_ATTRIBUTES: readonly string[] = STAGE_DETAILS.map((detail) => detail.attribute);

export function stageDetailAttributes(
  detail: Readonly<Record<string, unknown>> | undefined,
): StageDetailsResult {
  if (!detail) return { attributes: NO_DETAILS, ignored: [] };
  const attributes: Record<string, number> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    const attribute = attributeByEventKey.get(key);
    if (attribute !== undefined && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
      attributes[attribute] = value;
    else ignored.push(key);
  }
  return { attributes: Object.keys(attributes).length > 0 ? attributes : NO_DETAILS, ignored };
}

/** Keeps only known detail attributes with valid values (for callers that pass attributes directly). */
export function validDetailAttributes(
  attributes: Readonly<Record<string, unknown>> | undefined,
): StageDetailAttributes {
  if (!attributes) return NO_DETAILS;
  const valid: Record<string, number> = {};
  for (const name of STAGE_DETAIL_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) valid[name] = value;
  }
  return Object.keys(valid).length > 0 ? valid : NO_DETAILS;
}
