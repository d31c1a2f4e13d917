// The scenario file format (YAML or JSON), validated with zod. docs/simulator.md documents every
// field; test/unit/simulator/scenario-docs.test.ts checks that the doc names all of them.
import { z } from 'zod';
import { checkConsistency } from './schema-checks.js';
import {
  cpuDistribution,
  culpritExpectation,
  detailDimension,
  duration,
  fault,
  fleet,
  noise,
  sessionLength,
  stage,
  stageSpec,
  thresholdValue,
  unitInterval,
} from './schema-parts.js';
import {
  DEFAULT_BASELINE,
  DEFAULT_DETAIL_DIMENSIONS,
  DEFAULT_EPISODE_MIN_SAMPLES,
  DEFAULT_STAGE_MACHINE,
  DEFAULT_THRESHOLDS,
} from './stage-defaults.js';
import type { AppStage } from './stages.js';

const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be above 0' });

const run = z
  .object({
    /** `simulated`: backdated simulated time sent as fast as the gateway takes it; `real`: the watchdog's SDK in real time. */
    clock: z.enum(['simulated', 'real']).default('simulated'),
    /** Concurrent simulated sessions (a finished session is replaced by a new one of the same install). */
    sessions: z.number().int().min(1).max(100_000).default(200),
    /** Simulated clock: the simulated time the run covers. */
    period: positiveDuration.default('1h'),
    /** Simulated clock: simulated time between a session's exports (one point per stream each). */
    interval: positiveDuration.default('10s'),
    /** Simulated clock: most export intervals one request carries (whole windows are never split). */
    requestIntervals: z.number().int().min(1).max(10_000).default(60),
    /** Simulated clock: requests in flight at once (each from a different session). */
    inFlight: z.number().int().min(1).max(1024).default(32),
    /** Real clock: wall-clock time of the run. */
    duration: duration.default('60s'),
    /** Real clock: K samples recorded per session per real second (each is one simulated second). */
    timeCompression: z.number().int().min(1).max(1000).default(10),
    /** Real clock: real time between a session's exports. */
    exportInterval: positiveDuration.default('2s'),
    /** Real clock: real time over which the concurrent sessions start. */
    rampUp: duration.default('5s'),
  })
  .strict()
  .default({});

const model = z
  .object({
    /** CPU thresholds the gateway counts (`pipeline.sessions.thresholds`). */
    thresholds: z
      .array(thresholdValue)
      .min(1)
      .default([...DEFAULT_THRESHOLDS]),
    /** `pipeline.sessions.episodeMinSamples`. */
    episodeMinSamples: z.number().int().min(1).default(DEFAULT_EPISODE_MIN_SAMPLES),
    /** `pipeline.details`: which event details are report dimensions, and their buckets. */
    details: z
      .array(detailDimension)
      .max(4)
      .default(DEFAULT_DETAIL_DIMENSIONS.map((d) => ({ ...d, bounds: [...d.bounds] }))),
  })
  .strict()
  .default({});

const expect = z
  .object({
    /** What the triage must name, ranked first (all of them, for several); empty = nothing. */
    culprits: z.array(culpritExpectation),
    /** A ceiling on the fleet's true and measured session-window over-rate at a threshold. */
    fleetOverRateBelow: z.object({ threshold: thresholdValue, rate: unitInterval }).strict().optional(),
  })
  .strict();

const scenarioObject = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case words joined by "-"'),
    description: z.string().default(''),
    /** Seed of the fleet's random choices; the same seed gives the same fleet. */
    seed: z.number().int().default(1),
    run,
    fleet,
    /** Length of a session; without it the stage machine alone decides when a session ends. */
    sessionLength: sessionLength.optional(),
    /** Stage machine; what a stage leaves out keeps the default's (DEFAULT_STAGE_MACHINE). */
    stages: z.record(stage, stageSpec).default({}),
    /** Healthy CPU per stage; stages left out keep their defaults (DEFAULT_BASELINE). */
    baseline: z.record(stage, cpuDistribution).default({}),
    faults: z.array(fault).default([]),
    /** Healthy background noise the triage must not call a culprit. */
    noise,
    /** The gateway settings the ground truth is computed with (the harness configures the gateway so). */
    model,
    expect,
  })
  .strict();

export interface StageDefinition {
  duration: [number, number];
  next: Partial<Record<AppStage, number>>;
  details: Partial<Record<string, { min: number; max: number; distribution: 'uniform' | 'log-uniform' }>>;
}

const scenarioWithDefaults = scenarioObject.transform((scenario) => {
  const stages = Object.fromEntries(
    Object.entries(DEFAULT_STAGE_MACHINE).map(([name, defaults]) => {
      const given = scenario.stages[name as AppStage] ?? {};
      const definition: StageDefinition = {
        duration: given.duration ?? [defaults.duration[0], defaults.duration[1]],
        next: given.next ?? { ...defaults.next },
        details: given.details ?? {},
      };
      return [name, definition];
    }),
  ) as Record<AppStage, StageDefinition>;
  const baseline = { ...DEFAULT_BASELINE, ...scenario.baseline } as Record<AppStage, CpuDistribution>;
  return { ...scenario, stages, baseline };
});

export const scenarioSchema: z.ZodType<Scenario, z.ZodTypeDef, ScenarioInput> =
  scenarioWithDefaults.superRefine((scenario, ctx) => checkConsistency(scenario, ctx));

export type ScenarioInput = z.input<typeof scenarioObject>;
/** A validated scenario with every default filled in (the consistency checks do not change its shape). */
export type Scenario = z.output<typeof scenarioWithDefaults>;
export type Fault = z.output<typeof fault>;
export type CpuDistribution = z.output<typeof cpuDistribution>;
export type ExpectedCulprit = z.output<typeof culpritExpectation>;
export type DetailDimension = z.output<typeof detailDimension>;
export type ModelSettings = Scenario['model'];
export type VersionEntry = Scenario['fleet']['versions'][number];
