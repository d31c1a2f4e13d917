import { OTHER } from '../../model/index.js';

/** Why a label value was replaced by "other"; the `limit` label of filesfu_gateway_datapoints_overflowed_total. */
export type BoundingLimit =
  'label_value_length' | 'stage_allow_list' | 'os_allow_list' | 'versions' | 'series';

export interface BoundedValue {
  value: string;
  bounded: BoundingLimit | undefined;
}

export interface LabelBoundsConfig {
  maxLabelValueLength: number;
  stages: string[];
  osTypes: string[];
}

/** Caps label values: too long → "other"; stage and os outside their allow-lists → "other". */
export class LabelBounds {
  // Every answer for an allow-listed value is the same, so it is built once, not per data point.
  private readonly stages: Map<string, BoundedValue>;
  private readonly osTypes: Map<string, BoundedValue>;

  constructor(private readonly config: LabelBoundsConfig) {
    this.stages = allowedAnswers(config.stages, config.maxLabelValueLength);
    this.osTypes = allowedAnswers(config.osTypes, config.maxLabelValueLength);
  }

  capLength(value: string): BoundedValue {
    return value.length > this.config.maxLabelValueLength ? TOO_LONG : { value, bounded: undefined };
  }

  stage(raw: string | undefined): BoundedValue {
    if (raw === undefined) return NOT_ALLOWED_STAGE;
    return this.stages.get(raw) ?? this.notAllowed(raw, NOT_ALLOWED_STAGE);
  }

  os(raw: string): BoundedValue {
    return this.osTypes.get(raw) ?? this.notAllowed(raw, NOT_ALLOWED_OS);
  }

  /** A value outside the allow-list: a too long one counts as too long, like before the allow-list check. */
  private notAllowed(raw: string, answer: BoundedValue): BoundedValue {
    return raw.length > this.config.maxLabelValueLength ? TOO_LONG : answer;
  }
}

const TOO_LONG: BoundedValue = Object.freeze({ value: OTHER, bounded: 'label_value_length' });
const NOT_ALLOWED_STAGE: BoundedValue = Object.freeze({ value: OTHER, bounded: 'stage_allow_list' });
const NOT_ALLOWED_OS: BoundedValue = Object.freeze({ value: OTHER, bounded: 'os_allow_list' });

/** The answer for each allow-listed value (an over-long one is still capped, as before). */
function allowedAnswers(allowed: readonly string[], maxLength: number): Map<string, BoundedValue> {
  return new Map(
    allowed.map((value) => [
      value,
      value.length > maxLength ? TOO_LONG : Object.freeze({ value, bounded: undefined }),
    ]),
  );
}
