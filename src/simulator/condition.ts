// Fault conditions on per-session facts, e.g. "fileNameLength > 42". Deliberately tiny: one fact,
// one comparison, one number. Anything richer belongs in a new fact, not in an expression language.

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Condition {
  fact: string;
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
      `invalid condition "${source}": expected "<fact> <op> <number>" with op one of > >= < <= == !=`,
    );
  }
  return { fact: match[1], comparison: match[2] as Comparison, value: Number(match[3]), source };
}

export function evaluateCondition(condition: Condition, facts: Readonly<Record<string, number>>): boolean {
  const actual = facts[condition.fact];
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
