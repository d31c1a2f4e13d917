// Consistency rules of a scenario that a field-by-field schema cannot express: references between
// sections (fault versions, condition details, expected cells) and a stage machine that ends.
import type { z } from 'zod';
import { bucketLabels, cpuCoresLabel, CPU_CORES_BOUNDS, STAGE_DETAILS } from '../model/index.js';
import { parseCondition } from './condition.js';
import type { Scenario } from './scenario-schema.js';

type Unchecked = Scenario;

/** Every `cpu_cores` label a client can produce. */
export const CPU_CORES_LABELS: readonly string[] = [
  ...bucketLabels(CPU_CORES_BOUNDS),
  cpuCoresLabel(undefined),
];

/** Breadth-first from "starting": can a session reach a stage with no next stage? */
function terminalReachable(stages: Unchecked['stages']): boolean {
  const seen = new Set<string>(['starting']);
  const queue = ['starting'];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const spec = stages[name as keyof typeof stages];
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

/** Summed rollout shares at each point where one changes slope (linear in between). */
function rolloutSharesAtBreakpoints(versions: Unchecked['fleet']['versions']): number[] {
  const rollouts = versions.flatMap((v) => (v.rollout ? [v.rollout] : []));
  const points = new Set([0, 1, ...rollouts.flatMap((r) => [r.start, r.end])]);
  return [...points].map((at) => rollouts.reduce((sum, r) => sum + rolloutShare(r, at), 0));
}

/** A rollout's share of new sessions at `fraction` of the run. */
export function rolloutShare(
  rollout: { from: number; to: number; start: number; end: number },
  fraction: number,
): number {
  if (fraction <= rollout.start) return rollout.from;
  if (fraction >= rollout.end) return rollout.to;
  return (
    rollout.from + ((rollout.to - rollout.from) * (fraction - rollout.start)) / (rollout.end - rollout.start)
  );
}

export function checkConsistency(scenario: Unchecked, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const versions = new Set(scenario.fleet.versions.map((v) => v.value));
  if (versions.size !== scenario.fleet.versions.length)
    issue(['fleet', 'versions'], 'versions must be distinct');
  if (!scenario.fleet.versions.some((v) => v.weight !== undefined)) {
    issue(
      ['fleet', 'versions'],
      'needs at least one version with a weight (weighted versions share what rollouts leave)',
    );
  }
  if (rolloutSharesAtBreakpoints(scenario.fleet.versions).some((share) => share > 1 + 1e-9)) {
    issue(['fleet', 'versions'], 'rollout shares add up to more than 1 at some point of the run');
  }
  for (const [name, spec] of Object.entries(scenario.stages)) {
    for (const target of Object.keys(spec.next)) {
      if (!(target in scenario.stages)) issue(['stages', name, 'next', target], `unknown stage "${target}"`);
    }
  }
  if (!terminalReachable(scenario.stages)) {
    issue(['stages'], 'needs a terminal stage (next: {}) reachable from "starting", so sessions end');
  }
  scenario.faults.forEach((f, index) => checkFault(scenario, f, index, versions, issue));
  const labels = new Map(scenario.model.details.map((d) => [d.label, d]));
  scenario.expect.culprits.forEach((culprit, index) => {
    const path = ['expect', 'culprits', index];
    if (culprit.version !== undefined && !versions.has(culprit.version)) {
      issue([...path, 'version'], `version "${culprit.version}" is not in fleet.versions`);
    }
    if (culprit.cpu_cores !== undefined && !CPU_CORES_LABELS.includes(culprit.cpu_cores)) {
      issue([...path, 'cpu_cores'], `must be one of ${CPU_CORES_LABELS.join(', ')}`);
    }
    if (culprit.detail !== undefined) {
      const dimension = labels.get(culprit.detail);
      if (!dimension) issue([...path, 'detail'], `"${culprit.detail}" is not a label of model.details`);
      else if (!bucketLabels(dimension.bounds).includes(culprit.detail_bucket ?? '')) {
        issue([...path, 'detail_bucket'], `must be one of ${bucketLabels(dimension.bounds).join(', ')}`);
      }
    }
    const explained = scenario.faults.some(
      (f) =>
        (culprit.version === undefined ||
          f.match.version === undefined ||
          f.match.version === culprit.version) &&
        (culprit.stage === undefined || f.match.stage === undefined || f.match.stage === culprit.stage) &&
        (culprit.os === undefined || f.match.os === undefined || f.match.os === culprit.os),
    );
    if (!explained)
      issue(path, 'no fault matches this expected culprit; the scenario could never produce it');
  });
  const ceiling = scenario.expect.fleetOverRateBelow;
  if (ceiling && !scenario.model.thresholds.includes(ceiling.threshold)) {
    issue(['expect', 'fleetOverRateBelow', 'threshold'], 'must be one of model.thresholds');
  }
}

function checkFault(
  scenario: Unchecked,
  f: Unchecked['faults'][number],
  index: number,
  versions: Set<string>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (f.match.version !== undefined && !versions.has(f.match.version)) {
    issue(['faults', index, 'match', 'version'], `version "${f.match.version}" is not in fleet.versions`);
  }
  if (f.match.cpuCores !== undefined && !CPU_CORES_LABELS.includes(f.match.cpuCores)) {
    issue(['faults', index, 'match', 'cpuCores'], `must be one of ${CPU_CORES_LABELS.join(', ')}`);
  }
  if (f.condition === undefined) return;
  try {
    const condition = parseCondition(f.condition);
    const known = STAGE_DETAILS.some((d) => d.eventKey === condition.detail);
    const stages = f.match.stage
      ? [f.match.stage]
      : (Object.keys(scenario.stages) as (keyof Unchecked['stages'])[]);
    const drawn = stages.some((s) => scenario.stages[s].details[condition.detail] !== undefined);
    if (!known || !drawn) {
      issue(
        ['faults', index, 'condition'],
        `detail "${condition.detail}" is not drawn in ${f.match.stage ? `stage ${f.match.stage}` : 'any stage'}; declare it under stages.<stage>.details`,
      );
    }
  } catch (error) {
    issue(['faults', index, 'condition'], (error as Error).message);
  }
}
