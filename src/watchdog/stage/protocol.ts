// The app → watchdog stage protocol: JSON lines (one JSON object per '\n'-terminated line, UTF-8).
//
//   {"type":"hello","appVersion":"6.4.0"}                              optional, once per connection
//   {"type":"stage","stage":"indexing"}                                the app entered a stage
//   {"type":"stage","stage":"receiving","detail":{"fileNameLength":57}} detail: optional flat object
//   {"type":"bye"}                                                     the app is closing the connection
//
// `detail` holds numeric facts about the stage event. Each key listed in STAGE_DETAILS (model/wire.ts)
// whose value is a non-negative integer is exported as a point attribute of the CPU samples taken
// while the stage lasts (`fileNameLength` → `filesfu.file.name.length`); other keys and values are
// logged at debug and ignored (stage-details.ts). A stage message without `detail` clears the details.
//
// Stage values outside docs/metrics.md's list are accepted as-is (the gateway folds them into `other`);
// only their length is bounded here. Anything else is reported and ignored.

export type StageMessage =
  | { type: 'hello'; appVersion: string | undefined }
  | { type: 'stage'; stage: string; detail: Record<string, unknown> | undefined }
  | { type: 'bye' };

export type ParseResult = { ok: true; message: StageMessage } | { ok: false; reason: string };

export interface ProtocolLimits {
  /** Longest accepted stage value, in characters. */
  maxStageLength: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseStageLine(line: string, limits: ProtocolLimits): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'malformed-json' };
  }
  if (!isPlainObject(value) || typeof value.type !== 'string') return { ok: false, reason: 'missing-type' };
  switch (value.type) {
    case 'stage': {
      const stage = value.stage;
      if (typeof stage !== 'string' || stage.trim() === '') return { ok: false, reason: 'missing-stage' };
      if (stage.length > limits.maxStageLength) return { ok: false, reason: 'stage-too-long' };
      if (value.detail !== undefined && !isPlainObject(value.detail))
        return { ok: false, reason: 'invalid-detail' };
      return { ok: true, message: { type: 'stage', stage, detail: value.detail } };
    }
    case 'hello': {
      const appVersion = typeof value.appVersion === 'string' ? value.appVersion.slice(0, 64) : undefined;
      return { ok: true, message: { type: 'hello', appVersion } };
    }
    case 'bye':
      return { ok: true, message: { type: 'bye' } };
    default:
      return { ok: false, reason: 'unknown-type' };
  }
}

export function encodeStageMessage(message: StageMessage): string {
  return JSON.stringify(message) + '\n';
}
