// Fault conditions on the event details of a stage visit, e.g. "fileNameLength > 42". Deliberately
// tiny: one detail, one comparison, one number. Anything richer belongs in a new detail.

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Condition {
  detail: string;
  comparison: Comparison;
  value: number;
  source: string;
}

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses a condition; throws an Error whose message says what the accepted form is. */
export function parseCondition(source: string): Condition {
  const match = CONDITION.exec(source);
  if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined) {
    throw new Error(
      `invalid condition "${source}": expected "<detail> <op> <number>" with op one of > >= < <= == !=`,
    );
  }
  return { detail: match[1], comparison: match[2] as Comparison, value: Number(match[3]), source };
}

/** False when the visit has no such detail. */
export function evaluateCondition(condition: Condition, details: Readonly<Record<string, number>>): boolean {
  const actual = details[condition.detail];
  if (actual === undefined) return false;
  switch (condition.comparison) {
    case '>':
      return actual > condition.value;
    case '>=':
      return actual >= condition.value;
    case '<':
      return actual < condition.value;
    case '<=':
      return actual <= condition.value;
    case '==':
      return actual === condition.value;
    case '!=':
      return actual !== condition.value;
  }
}
