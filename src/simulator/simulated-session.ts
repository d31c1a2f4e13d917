// One simulated run of the desktop app: who it is (version, OS, facts), which injected faults it
// has, and a stage machine that yields one CPU sample per simulated second.
import { evaluateCondition, parseCondition } from './condition.js';
import type { Random } from './random.js';
import type { Fault, Scenario } from './scenario-schema.js';
import { OS_VERSIONS, type AppStage, type HostArch, type OsType } from './stages.js';

export interface SessionIdentity {
  sessionId: string;
  installId: string;
  appVersion: string;
  osType: OsType;
  osVersion: string;
  hostArch: HostArch;
}

/** What defines an install: the same install keeps version, OS and arch across app runs. */
export type InstallIdentity = Omit<SessionIdentity, 'sessionId'>;

export interface CpuSample {
  stage: AppStage;
  utilization: number;
  /** True when an injected fault (not the baseline or noise) produced the sample. */
  faulty: boolean;
}

export function drawInstall(scenario: Scenario, random: Random): InstallIdentity {
  const osType = random.weighted(scenario.fleet.os);
  const osVersions = OS_VERSIONS[osType];
  return {
    installId: random.uuid(),
    appVersion: random.weighted(scenario.fleet.versions),
    osType,
    osVersion: osVersions[random.integer(0, osVersions.length - 1)] ?? osVersions[0] ?? '0',
    hostArch: random.weighted(scenario.fleet.arch),
  };
}

export class SimulatedSession {
  readonly identity: SessionIdentity;
  readonly facts: Record<string, number>;
  /** Faults this session has (matched by version/OS/condition and drawn by probability). */
  readonly faults: Fault[];
  private stage: AppStage;
  private samplesLeftInStage: number;
  private spikeSamplesLeft = 0;
  private ended = false;

  constructor(
    private readonly scenario: Scenario,
    install: InstallIdentity,
    private readonly random: Random,
  ) {
    this.identity = { ...install, sessionId: random.uuid() };
    this.facts = Object.fromEntries(
      Object.entries(scenario.facts).map(([name, spec]) => [name, random.integer(spec.min, spec.max)]),
    );
    this.faults = scenario.faults.filter(
      (fault) => this.matchesStatically(fault) && random.chance(fault.probability),
    );
    this.stage = 'starting';
    this.samplesLeftInStage = this.drawStageLength('starting');
  }

  get currentStage(): AppStage {
    return this.stage;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next one-second sample, or undefined once the terminal stage has run out. */
  nextSample(): CpuSample | undefined {
    if (this.ended) return undefined;
    while (this.samplesLeftInStage <= 0) {
      const next = this.drawNextStage();
      if (next === undefined) {
        this.ended = true;
        return undefined;
      }
      this.stage = next;
      this.samplesLeftInStage = this.drawStageLength(next);
    }
    this.samplesLeftInStage -= 1;
    return this.sampleCpu();
  }

  private sampleCpu(): CpuSample {
    const stage = this.stage;
    let faultCpu: number | undefined;
    for (const fault of this.faults) {
      if (fault.match.stage !== undefined && fault.match.stage !== stage) continue;
      const value = this.random.uniform(fault.cpu[0], fault.cpu[1]);
      faultCpu = faultCpu === undefined ? value : Math.max(faultCpu, value);
    }
    if (faultCpu !== undefined) return { stage, utilization: clampUnit(faultCpu), faulty: true };

    if (this.spikeSamplesLeft === 0 && this.random.chance(this.scenario.noise.spikeProbability)) {
      const [min, max] = this.scenario.noise.spikeSamples;
      this.spikeSamplesLeft = this.random.integer(min, max);
    }
    if (this.spikeSamplesLeft > 0) {
      this.spikeSamplesLeft -= 1;
      const [low, high] = this.scenario.noise.cpu;
      return { stage, utilization: clampUnit(this.random.uniform(low, high)), faulty: false };
    }
    const baseline = this.scenario.baseline[stage];
    const value = baseline ? this.random.normal(baseline.mean, baseline.sd) : 0;
    return { stage, utilization: clampUnit(value), faulty: false };
  }

  private matchesStatically(fault: Fault): boolean {
    if (fault.match.version !== undefined && fault.match.version !== this.identity.appVersion) return false;
    if (fault.match.os !== undefined && fault.match.os !== this.identity.osType) return false;
    if (fault.condition !== undefined && !evaluateCondition(parseCondition(fault.condition), this.facts))
      return false;
    return true;
  }

  private drawStageLength(stage: AppStage): number {
    const spec = this.scenario.stages[stage];
    return spec ? this.random.integer(spec.duration[0], spec.duration[1]) : 1;
  }

  private drawNextStage(): AppStage | undefined {
    const spec = this.scenario.stages[this.stage];
    const entries = Object.entries(spec?.next ?? {}).map(([value, weight]) => ({
      value: value as AppStage,
      weight: Number(weight ?? 0),
    }));
    if (entries.length === 0) return undefined;
    return this.random.weighted(entries);
  }
}

function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}
