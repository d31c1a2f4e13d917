export { LabelBounds } from './label-bounds.js';
export type { BoundedValue, BoundingLimit, LabelBoundsConfig } from './label-bounds.js';
export { VersionBounds } from './version-bounds.js';
export type { VersionBoundsConfig } from './version-bounds.js';
export { SeriesBudget } from './series-budget.js';
export type { SeriesBudgetConfig, SeriesRequest } from './series-budget.js';
export { seriesKey } from './series-key.js';
export { boundedLabelSpaceSeries } from './label-space.js';
export type { LabelSpaceBounds } from './label-space.js';
