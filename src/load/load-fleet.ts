// The synthetic sessions a load run exports for: realistic identities and realistic per-interval
// CPU samples (mostly quiet, a few busy stages), drawn from a seeded PRNG so runs are comparable.
import {
  APP_STAGES,
  createRandom,
  HOST_ARCHES,
  OS_TYPES,
  OS_VERSIONS,
  type Random,
} from '../simulator/index.js';
import type { LoadSessionIdentity, StageSamples } from './session-export.js';

export const LOAD_VERSIONS = ['6.4.0', '6.5.0', '6.6.0', '7.0.0'] as const;

export function loadSessionIdentity(
  random: Random,
  overrides: Partial<LoadSessionIdentity> = {},
): LoadSessionIdentity {
  const osType = OS_TYPES[random.integer(0, OS_TYPES.length - 1)] ?? 'linux';
  const osVersions = OS_VERSIONS[osType];
  return {
    sessionId: random.uuid(),
    installId: random.uuid(),
    appVersion: LOAD_VERSIONS[random.integer(0, LOAD_VERSIONS.length - 1)] ?? '6.4.0',
    osType,
    osVersion: osVersions[random.integer(0, osVersions.length - 1)] ?? '0',
    hostArch: HOST_ARCHES[random.integer(0, HOST_ARCHES.length - 1)] ?? 'amd64',
    ...overrides,
  };
}

/**
 * One interval of 1 s samples: usually one stage, sometimes a change to another stage half way. One
 * point per stage, as an SDK aggregates them: two points of one stage and start time in one export
 * would be one interval sent twice, and the gateway counts it once.
 */
export function intervalSamples(random: Random, sampleCount: number): StageSamples[] {
  const pickStage = () => APP_STAGES[random.integer(0, APP_STAGES.length - 1)] ?? 'idle';
  const pickOtherStage = (than: string) => {
    const others = APP_STAGES.filter((stage) => stage !== than);
    return others[random.integer(0, others.length - 1)] ?? 'idle';
  };
  const busy = random.chance(0.05);
  const draw = () => Math.min(1, Math.max(0, busy ? random.uniform(0.3, 1) : random.normal(0.05, 0.04)));
  const split = random.chance(0.2) ? random.integer(1, Math.max(1, sampleCount - 1)) : sampleCount;
  const first = { stage: pickStage(), samples: Array.from({ length: split }, draw) };
  if (split >= sampleCount) return [first];
  return [
    first,
    { stage: pickOtherStage(first.stage), samples: Array.from({ length: sampleCount - split }, draw) },
  ];
}

export { createRandom };
