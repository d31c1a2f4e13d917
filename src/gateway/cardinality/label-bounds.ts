import { OTHER } from '../validation/metric-model.js';

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
  private readonly stages: Set<string>;
  private readonly osTypes: Set<string>;

  constructor(private readonly config: LabelBoundsConfig) {
    this.stages = new Set(config.stages);
    this.osTypes = new Set(config.osTypes);
  }

  capLength(value: string): BoundedValue {
    return value.length > this.config.maxLabelValueLength
      ? { value: OTHER, bounded: 'label_value_length' }
      : { value, bounded: undefined };
  }

  stage(raw: string | undefined): BoundedValue {
    if (raw === undefined) return { value: OTHER, bounded: 'stage_allow_list' };
    return this.allowListed(raw, this.stages, 'stage_allow_list');
  }

  os(raw: string): BoundedValue {
    return this.allowListed(raw, this.osTypes, 'os_allow_list');
  }

  private allowListed(raw: string, allowed: Set<string>, limit: BoundingLimit): BoundedValue {
    const capped = this.capLength(raw);
    if (capped.bounded) return capped;
    return allowed.has(raw) ? capped : { value: OTHER, bounded: limit };
  }
}
