// The configuration reference (docs/reference/gateway-config.md), generated from the schema so that
// it cannot drift: every setting with its type, default and unit, then the values derived from the
// settings and the former settings fixed as constants.
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from './auth/index.js';
import { gatewayConfigSchema } from './config.js';
import { RETIRED_SETTINGS } from './retired-settings.js';

export interface ConfigReferenceRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

export function configReferenceRows(): ConfigReferenceRow[] {
  const rows: ConfigReferenceRow[] = [];
  walk(gatewayConfigSchema, [], undefined, rows);
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderConfigReference(): string {
  const rows = configReferenceRows();
  const lines = [
    `## Settings (${rows.length})`,
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...rows.map((row) => `| \`${row.key}\` | ${row.type} | ${row.default} | ${cell(row.description)} |`),
    '',
    '## Derived values',
    '',
    'Not settings: computed from the settings above. A config file that sets one fails and names the',
    'setting to change instead.',
    '',
    '| value | derived as | with the defaults | why |',
    '|---|---|---|---|',
  ];
  const defaults = defaultConfig();
  for (const setting of RETIRED_SETTINGS) {
    if (setting.kind !== 'derived') continue;
    lines.push(
      `| \`${setting.key}\` | ${cell(setting.rule)} | \`${JSON.stringify(valueAt(defaults, setting.key))}\` | ${cell(setting.why)} |`,
    );
  }
  lines.push(
    '',
    '## Fixed values',
    '',
    'Former settings that are constants of the code now, because no deployment needs another value.',
    '',
    '| former key | constant | value | why |',
    '|---|---|---|---|',
  );
  for (const setting of RETIRED_SETTINGS) {
    if (setting.kind !== 'fixed') continue;
    lines.push(
      `| \`${setting.key}\` | \`${setting.constant}\` | \`${setting.value}\` | ${cell(setting.why)} |`,
    );
  }
  return lines.join('\n');
}

/** The configuration with every default (one placeholder signing key, the only required setting). */
function defaultConfig(): unknown {
  return gatewayConfigSchema.parse({
    auth: { keys: [{ keyId: 'reference', secret: 'x'.repeat(MIN_SECRET_LENGTH) }] },
  });
}

function valueAt(tree: unknown, key: string): unknown {
  let node = tree;
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node;
}

function walk(
  schema: z.ZodTypeAny,
  path: string[],
  description: string | undefined,
  rows: ConfigReferenceRow[],
): void {
  let inner = schema;
  let describedAs = description ?? schema.description;
  let defaultValue: unknown = undefined;
  let hasDefault = false;
  for (;;) {
    describedAs ??= inner.description;
    if (inner instanceof z.ZodDefault) {
      if (!hasDefault) {
        hasDefault = true;
        defaultValue = (inner._def as { defaultValue: () => unknown }).defaultValue();
      }
      inner = (inner._def as { innerType: z.ZodTypeAny }).innerType;
    } else if (inner instanceof z.ZodOptional) {
      inner = inner.unwrap() as z.ZodTypeAny;
    } else if (inner instanceof z.ZodEffects) {
      inner = inner.innerType() as z.ZodTypeAny;
    } else {
      break;
    }
  }
  if (inner instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodTypeAny>)) {
      walk(child, [...path, key], undefined, rows);
    }
    return;
  }
  const key = path.join('.');
  rows.push({
    key,
    type: typeName(inner),
    default:
      key === 'server.replicaId'
        ? '`<hostname>-<pid>`'
        : hasDefault
          ? `\`${JSON.stringify(defaultValue)}\``
          : '(unset)',
    description: describedAs ?? '',
  });
}

function typeName(schema: z.ZodTypeAny): string {
  if (schema instanceof z.ZodString) return 'string';
  if (schema instanceof z.ZodNumber) return schema.isInt ? 'integer' : 'number';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodEnum) return (schema.options as string[]).map((o) => `\`${o}\``).join(' \\| ');
  if (schema instanceof z.ZodArray) return `${typeName(schema.element as z.ZodTypeAny)}[]`;
  if (schema instanceof z.ZodObject) return 'object';
  return 'value';
}
