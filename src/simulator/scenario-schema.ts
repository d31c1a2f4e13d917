// The scenario file format (YAML or JSON), validated with zod. docs/simulator.md documents every
// field; test/unit/simulator/scenario-docs.test.ts checks that the doc names all of them.
import { z } from 'zod';
import { parseCondition } from './condition.js';
import { parseDurationMs } from './duration.js';
import { APP_STAGES, HOST_ARCHES, OS_TYPES } from './stages.js';

const stage = z.enum(APP_STAGES);
const unitInterval = z.number().min(0).max(1);
const weight = z.number().positive();

/** `[min, max]` with min <= max. */
function range(item: z.ZodNumber) {
  return z
    .tuple([item, item])
    .refine(([min, max]) => min <= max, { message: 'range must be [min, max] with min <= max' });
}

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDurationMs(value);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    return z.NEVER;
  }
});

const cpuDistribution = z
  .object({
    /** Mean utilisation of one sample, 0..1 (normalised by logical CPUs). */
    mean: unitInterval,
    /** Standard deviation of a sample; samples are clipped to [0, 1]. */
    sd: z.number().min(0).max(1),
  })
  .strict();

const stageSpec = z
  .object({
    /** How long one visit of the stage lasts, in simulated seconds (= samples). */
    duration: range(z.number().int().min(1)),
    /** Next stage → relative weight. Empty = terminal (the session ends). */
    next: z.record(stage, weight).default({}),
  })
  .strict();

const fact = z
  .object({
    /** Inclusive bounds of a per-session integer fact, drawn uniformly at session start. */
    min: z.number().int(),
    max: z.number().int(),
  })
  .strict()
  .refine((f) => f.min <= f.max, { message: 'fact needs min <= max' });

const fault = z
  .object({
    name: z.string().min(1),
    /** Which sessions (version/os) and when (stage) the fault applies. Omitted keys match anything. */
    match: z
      .object({
        version: z.string().min(1).optional(),
        os: z.enum(OS_TYPES).optional(),
        stage: stage.optional(),
      })
      .strict(),
    /** Optional "<fact> <op> <number>" on the session's facts, e.g. "fileNameLength > 42". */
    condition: z.string().optional(),
    /** Share of matching sessions that have the fault (decided once per session). */
    probability: unitInterval,
    /** Uniform CPU of an affected session's samples while the fault is active. */
    cpu: range(unitInterval),
  })
  .strict();

const weightedOf = <T extends z.ZodTypeAny>(value: T) =>
  z.array(z.object({ value, weight }).strict()).min(1, 'needs at least one entry');

export const DEFAULT_STAGE_MACHINE: Record<string, z.input<typeof stageSpec>> = {
  starting: { duration: [2, 6], next: { login: 1 } },
  login: { duration: [5, 15], next: { idle: 3, syncing: 2 } },
  idle: { duration: [20, 90], next: { indexing: 1, sending: 1, receiving: 1, syncing: 2, shutdown: 0.5 } },
  indexing: { duration: [15, 60], next: { idle: 2, syncing: 1 } },
  sending: { duration: [10, 40], next: { idle: 2, syncing: 1 } },
  receiving: { duration: [10, 40], next: { idle: 2, syncing: 1 } },
  syncing: { duration: [10, 30], next: { idle: 3, indexing: 1 } },
  shutdown: { duration: [2, 4], next: {} },
};

export const DEFAULT_BASELINE: Record<string, z.input<typeof cpuDistribution>> = {
  starting: { mean: 0.08, sd: 0.04 },
  login: { mean: 0.06, sd: 0.03 },
  idle: { mean: 0.01, sd: 0.01 },
  indexing: { mean: 0.12, sd: 0.05 },
  sending: { mean: 0.06, sd: 0.03 },
  receiving: { mean: 0.06, sd: 0.03 },
  syncing: { mean: 0.08, sd: 0.04 },
  shutdown: { mean: 0.03, sd: 0.02 },
};

const scenarioObject = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case words joined by "-"'),
    description: z.string().default(''),
    /** Seed of the fleet's random choices; the same seed gives the same fleet. */
    seed: z.number().int().default(1),
    run: z
      .object({
        /** Concurrent simulated sessions (a finished session is replaced by a new one). */
        sessions: z.number().int().min(1).max(100_000).default(200),
        /** Real wall-clock time of the run. */
        duration: duration.default('60s'),
        /** K: samples recorded per session per real second (each is one simulated second). */
        timeCompression: z.number().int().min(1).max(1000).default(10),
        /** Real time between a session's exports. */
        exportInterval: duration.refine((ms) => ms > 0, { message: 'must be above 0' }).default('2s'),
        /** Real time over which the concurrent sessions start (a fleet never starts in one instant). */
        rampUp: duration.default('5s'),
      })
      .strict()
      .default({}),
    fleet: z
      .object({
        versions: weightedOf(z.string().min(1).max(64)),
        os: weightedOf(z.enum(OS_TYPES)),
        arch: weightedOf(z.enum(HOST_ARCHES)).default([
          { value: 'amd64', weight: 0.8 },
          { value: 'arm64', weight: 0.2 },
        ]),
      })
      .strict(),
    /** Stage machine; stages left out keep their defaults (DEFAULT_STAGE_MACHINE). */
    stages: z.record(stage, stageSpec).default({}),
    /** Healthy CPU per stage; stages left out keep their defaults (DEFAULT_BASELINE). */
    baseline: z.record(stage, cpuDistribution).default({}),
    facts: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), fact).default({}),
    faults: z.array(fault).default([]),
    /** Short random spikes on any session: healthy noise the triage must not call a culprit. */
    noise: z
      .object({
        /** Chance per sample that a spike starts. */
        spikeProbability: unitInterval.default(0.0005),
        /** Spike length in samples. */
        spikeSamples: range(z.number().int().min(1)).default([1, 2]),
        cpu: range(unitInterval).default([0.35, 0.95]),
      })
      .strict()
      .default({}),
    expect: z
      .object({
        culprit: z
          .object({ version: z.string().min(1), stage: stage.optional(), os: z.enum(OS_TYPES).optional() })
          .strict()
          .nullable(),
      })
      .strict(),
  })
  .strict();

const scenarioWithDefaults = scenarioObject.transform((scenario) => ({
  ...scenario,
  stages: { ...parseDefaults(DEFAULT_STAGE_MACHINE, stageSpec), ...scenario.stages } as Record<
    string,
    StageSpec
  >,
  baseline: { ...parseDefaults(DEFAULT_BASELINE, cpuDistribution), ...scenario.baseline } as Record<
    string,
    CpuDistribution
  >,
}));

export const scenarioSchema = scenarioWithDefaults.superRefine((scenario, ctx) =>
  checkConsistency(scenario, ctx),
);

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Fault = z.output<typeof fault>;
export type StageSpec = z.output<typeof stageSpec>;
export type CpuDistribution = z.output<typeof cpuDistribution>;
export type Culprit = NonNullable<Scenario['expect']['culprit']>;

function parseDefaults<T extends z.ZodTypeAny>(
  defaults: Record<string, z.input<T>>,
  schema: T,
): Record<string, z.output<T>> {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [key, schema.parse(value) as z.output<T>]),
  );
}

/** Breadth-first from "starting": can a session reach a stage with no next stage? */
function terminalReachable(stages: Record<string, { next: Record<string, unknown> }>): boolean {
  const seen = new Set<string>(['starting']);
  const queue = ['starting'];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const spec = stages[name];
    if (!spec) continue;
    const targets = Object.keys(spec.next);
    if (targets.length === 0) return true;
    for (const target of targets) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return false;
}

function checkConsistency(scenario: z.output<typeof scenarioWithDefaults>, ctx: z.RefinementCtx): void {
  const versions = new Set(scenario.fleet.versions.map((v) => v.value));
  const stages = scenario.stages;
  if (!stages['starting'])
    ctx.addIssue({ code: 'custom', path: ['stages'], message: 'needs a "starting" stage' });
  for (const [name, spec] of Object.entries(stages)) {
    for (const target of Object.keys(spec.next)) {
      if (!stages[target]) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name, 'next', target],
          message: `unknown stage "${target}"`,
        });
      }
    }
  }
  if (!terminalReachable(stages)) {
    ctx.addIssue({
      code: 'custom',
      path: ['stages'],
      message: 'needs a terminal stage (next: {}) reachable from "starting", so sessions end',
    });
  }
  scenario.faults.forEach((f, index) => {
    if (f.match.version !== undefined && !versions.has(f.match.version)) {
      ctx.addIssue({
        code: 'custom',
        path: ['faults', index, 'match', 'version'],
        message: `version "${f.match.version}" is not in fleet.versions`,
      });
    }
    if (f.condition !== undefined) {
      try {
        const condition = parseCondition(f.condition);
        if (!(condition.fact in scenario.facts)) {
          ctx.addIssue({
            code: 'custom',
            path: ['faults', index, 'condition'],
            message: `unknown fact "${condition.fact}"; declare it under facts`,
          });
        }
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index, 'condition'],
          message: (error as Error).message,
        });
      }
    }
  });
  const culprit = scenario.expect.culprit;
  if (culprit) {
    if (!versions.has(culprit.version)) {
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'culprit', 'version'],
        message: `version "${culprit.version}" is not in fleet.versions`,
      });
    }
    const explained = scenario.faults.some(
      (f) =>
        (f.match.version === undefined || f.match.version === culprit.version) &&
        (culprit.stage === undefined || f.match.stage === culprit.stage) &&
        (culprit.os === undefined || f.match.os === culprit.os),
    );
    if (!explained) {
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'culprit'],
        message: 'no fault matches the expected culprit; the scenario could never produce it',
      });
    }
  }
}
