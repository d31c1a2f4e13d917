// Number formatting shared by the text report and the summary sentence.

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '∞';
}

export function pValue(value: number): string {
  if (value < 1e-12) return '<1e-12';
  if (value < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}

export function thresholdText(threshold: number): string {
  return `${Math.round(threshold * 100)}% CPU`;
}
