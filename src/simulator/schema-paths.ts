// Lists every field path of the scenario schema ("run.sessions", "faults[].match.stage",
// "stages.<stage>.duration"), so that docs/simulator.md can be checked against the schema.
import { z } from 'zod';

export function schemaPaths(schema: z.ZodTypeAny, prefix = ''): string[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodTypeAny>).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...schemaPaths(value, path)];
    });
  }
  if (inner instanceof z.ZodArray) return schemaPaths(inner.element, `${prefix}[]`);
  if (inner instanceof z.ZodRecord) {
    const keyName = inner.keySchema instanceof z.ZodEnum ? '<stage>' : '<name>';
    return schemaPaths(inner.valueSchema, `${prefix}.${keyName}`);
  }
  return [];
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodEffects) current = current.innerType();
    else if (current instanceof z.ZodDefault) current = current._def.innerType;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else return current;
  }
}
