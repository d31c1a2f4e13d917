import { z } from 'zod';

/** At most this many details become dimensions: each multiplies the detail family's label space. */
export const MAX_DETAILS = 4;
/** At most this many bucket bounds per detail (bounds + 1 label values). */
export const MAX_DETAIL_BOUNDS = 8;

/** A Prometheus label name not reserved for Prometheus itself (`__…`). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const DEFAULT_DETAILS = [
  { attribute: 'filesfu.file.name.length', label: 'file_name_length', bounds: [20, 42, 80] },
] as const;

const detailSchema = z.object({
  attribute: z
    .string()
    .min(1)
    .describe('Integer point attribute of process.cpu.utilization to keep, e.g. filesfu.file.name.length'),
  label: z
    .string()
    .regex(LABEL_NAME, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)')
    .refine((l) => !l.startsWith('__'), 'must not start with "__" (reserved by Prometheus)')
    .describe('The `detail` label value of the detail family for this attribute'),
  bounds: z
    .array(z.number().int('every bound must be an integer').nonnegative())
    .min(1)
    .max(MAX_DETAIL_BOUNDS, `at most ${MAX_DETAIL_BOUNDS} bounds per detail`)
    .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] as number)), {
      message: 'bounds must be strictly ascending',
    })
    .describe('Ascending integer bucket bounds: [20, 42, 80] gives <=20, 21-42, 43-80, >80'),
});

export type DetailConfig = z.infer<typeof detailSchema>;

export const detailsConfigSchema = z
  .array(detailSchema)
  .max(MAX_DETAILS, `at most ${MAX_DETAILS} details`)
  .refine((ds) => new Set(ds.map((d) => d.label)).size === ds.length, {
    message: 'every detail needs its own label',
  })
  .refine((ds) => new Set(ds.map((d) => d.attribute)).size === ds.length, {
    message: 'every detail needs its own attribute',
  })
  .default(DEFAULT_DETAILS.map((d) => ({ ...d, bounds: [...d.bounds] })))
  .describe(
    `Numeric stage-event details that become drill-down dimensions of the detail family (\`detail\` = label, \`detail_bucket\` = bucket of the value), at most ${MAX_DETAILS} details of at most ${MAX_DETAIL_BOUNDS} bounds; a point without an integer value of the attribute adds nothing to that detail`,
  );
