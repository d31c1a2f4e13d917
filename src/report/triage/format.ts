// Number formatting shared by the text report and the drill-down sentence.

/**
 * Smallest p-value printed as a number. Below it the value depends on the tails of the dispersion
 * model more than on the data, so the report says "< 1e-10" instead of digits it cannot stand behind.
 */
export const P_VALUE_FLOOR = 1e-10;

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function points(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function times(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '∞' : `${value.toFixed(2)}×`;
}

/** Two significant digits, or "<1e-10" below the floor. */
export function pValue(value: number): string {
  if (value < P_VALUE_FLOOR) return '<1e-10';
  if (value < 0.001) return value.toExponential(1);
  return value.toPrecision(2);
}

export function thresholdText(threshold: number): string {
  return `${Math.round(threshold * 100)}% CPU`;
}
