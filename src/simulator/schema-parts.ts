// Building blocks of the scenario schema (scenario-schema.ts): value ranges, distributions, the
// stage machine, faults, noise, the fleet mix with rollouts, and the expected culprits.
import { z } from 'zod';
import { CPU_BUCKETS, STAGE_DETAILS } from '../model/index.js';
import { parseDurationMs } from './duration.js';
import { APP_STAGES, HOST_ARCHES, OS_TYPES } from './stages.js';

export const stage = z.enum(APP_STAGES);
export const unitInterval = z.number().min(0).max(1);
export const weight = z.number().positive();

/** Event keys of the stage protocol's numeric details (`fileNameLength`, …). */
export type DetailKey = (typeof STAGE_DETAILS)[number]['eventKey'];
export const DETAIL_KEYS = STAGE_DETAILS.map((d) => d.eventKey) as [DetailKey, ...DetailKey[]];
export const detailKey = z.enum(DETAIL_KEYS);

/** `[min, max]` with min <= max. */
export function range(item: z.ZodNumber) {
  return z
    .tuple([item, item])
    .refine(([min, max]) => min <= max, { message: 'range must be [min, max] with min <= max' });
}

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDurationMs(value);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    return z.NEVER;
  }
});

export const weightedOf = <T extends z.ZodTypeAny>(value: T) =>
  z.array(z.object({ value, weight }).strict()).min(1, 'needs at least one entry');

export const cpuDistribution = z
  .object({
    /** Mean utilisation of one sample, 0..1 (share of all logical CPUs). */
    mean: unitInterval,
    /** Standard deviation of a sample; samples are clipped to [0, 1]. */
    sd: z.number().min(0).max(1),
  })
  .strict();

/** An integer drawn per stage visit: `[min, max]` uniform, or an object naming the distribution. */
export const detailDistribution = z.union([
  range(z.number().int().min(0)).transform(([min, max]) => ({ min, max, distribution: 'uniform' as const })),
  z
    .object({
      min: z.number().int().min(0),
      max: z.number().int().min(0),
      /** `uniform` over the integers, or `log-uniform` (small values as common per decade as large ones). */
      distribution: z.enum(['uniform', 'log-uniform']).default('uniform'),
    })
    .strict()
    .refine((d) => d.min <= d.max, { message: 'needs min <= max' })
    .refine((d) => d.distribution !== 'log-uniform' || d.min >= 1, {
      message: 'log-uniform needs min >= 1',
    }),
]);

export const stageSpec = z
  .object({
    /** How long one visit lasts, in simulated seconds (= samples). Default: the default machine's. */
    duration: range(z.number().int().min(1)).optional(),
    /** Next stage → relative weight. Empty = terminal (the session ends). Default: the default machine's. */
    next: z.record(stage, weight).optional(),
    /** Event details drawn once per visit (stage protocol `detail` keys), e.g. `fileNameLength: [5, 80]`. */
    details: z.record(detailKey, detailDistribution).optional(),
  })
  .strict();

export const sessionLength = z
  .object({
    /** Shortest session (simulated time). */
    min: duration,
    /** Longest session (simulated time). */
    max: duration,
    /** `uniform` or `log-uniform` between min and max. */
    distribution: z.enum(['uniform', 'log-uniform']).default('uniform'),
  })
  .strict()
  .refine((l) => l.min >= 1000 && l.min <= l.max, { message: 'needs 1s <= min <= max' });

export const fault = z
  .object({
    name: z.string().min(1),
    /** Which sessions (version, os, cpu_cores label) and when (stage). Omitted keys match anything. */
    match: z
      .object({
        version: z.string().min(1).optional(),
        os: z.enum(OS_TYPES).optional(),
        stage: stage.optional(),
        /** A `cpu_cores` label (`<=2`, `3-4`, `5-8`, `9-16`, `>16`). */
        cpuCores: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Optional "<detail> <op> <number>" on the visit's event details, e.g. "fileNameLength > 42". */
    condition: z.string().optional(),
    /** Share of matching sessions that have the fault (decided once per session). */
    probability: unitInterval,
    /** Share of a faulty session's matching stage visits in which the fault is active. */
    visitProbability: unitInterval.default(1),
    /** Uniform CPU of an affected sample while the fault is active. */
    cpu: range(unitInterval),
  })
  .strict();

export const burstNoise = z
  .object({
    /** Chance per sample that a burst starts. */
    probability: unitInterval,
    /** Burst length in samples. */
    samples: range(z.number().int().min(1)),
    cpu: range(unitInterval).default([0.35, 0.95]),
  })
  .strict();

export const noise = z
  .object({
    /** Chance per sample that a short spike starts (0.001 = 0.1%). */
    spikeProbability: unitInterval.default(0.001),
    /** Spike length in samples. */
    spikeSamples: range(z.number().int().min(1)).default([1, 4]),
    cpu: range(unitInterval).default([0.35, 0.95]),
    /** Optional longer random bursts (e.g. a background scan). */
    bursts: burstNoise.optional(),
  })
  .strict()
  .default({});

/** A version of the fleet: a fixed relative weight, or a share of sessions that moves over the run. */
export const versionEntry = z
  .object({
    value: z.string().min(1).max(64),
    /** Relative weight among the weighted versions (they share what the rollouts leave). */
    weight: weight.optional(),
    /** Share of new sessions going linearly from `from` to `to` between `start` and `end` of the run. */
    rollout: z
      .object({
        from: unitInterval,
        to: unitInterval,
        /** Fraction of the run at which the share starts moving. */
        start: unitInterval.default(0),
        /** Fraction of the run at which it reaches `to`. */
        end: unitInterval.default(1),
      })
      .strict()
      .refine((r) => r.start < r.end, { message: 'needs start < end' })
      .optional(),
  })
  .strict()
  .refine((v) => (v.weight === undefined) !== (v.rollout === undefined), {
    message: 'give exactly one of weight or rollout',
  });

export const fleet = z
  .object({
    versions: z.array(versionEntry).min(1, 'needs at least one entry'),
    os: weightedOf(z.enum(OS_TYPES)),
    arch: weightedOf(z.enum(HOST_ARCHES)).default([
      { value: 'amd64', weight: 0.8 },
      { value: 'arm64', weight: 0.2 },
    ]),
    /** Logical CPUs per install (`filesfu.host.cpu.logical_count`). */
    cpuCores: weightedOf(z.number().int().min(1).max(1024)).default([
      { value: 4, weight: 2 },
      { value: 8, weight: 5 },
      { value: 16, weight: 2 },
    ]),
  })
  .strict();

export const detailDimension = z
  .object({
    /** Point attribute (STAGE_DETAILS), e.g. `filesfu.file.name.length`. */
    attribute: z.enum(STAGE_DETAILS.map((d) => d.attribute) as [string, ...string[]]),
    /** Its label value in the `detail` label, e.g. `file_name_length`. */
    label: z.string().regex(/^[a-z][a-z0-9_]*$/),
    /** Ascending integer bucket bounds (at most 8). */
    bounds: z
      .array(z.number().int().min(0))
      .min(1)
      .max(8)
      .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] ?? -1)), { message: 'must ascend' }),
  })
  .strict();

export const culpritExpectation = z
  .object({
    version: z.string().min(1).optional(),
    stage: stage.optional(),
    os: z.enum(OS_TYPES).optional(),
    cpu_cores: z.string().min(1).optional(),
    detail: z.string().min(1).optional(),
    detail_bucket: z.string().min(1).optional(),
    /** Tolerate a culprit that also names a stage or OS inside this cell (DESIGN §5). */
    allowMoreSpecific: z.boolean().default(false),
  })
  .strict()
  .refine((c) => (c.detail === undefined) === (c.detail_bucket === undefined), {
    message: 'detail and detail_bucket go together',
  });

export const thresholdValue = z.number().refine((t) => CPU_BUCKETS.includes(t), {
  message: `must be one of CPU_BUCKETS (${CPU_BUCKETS.join(', ')})`,
});
