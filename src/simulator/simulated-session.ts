// One simulated run of the desktop app: who it is (install, version), which injected faults it has,
// and a stage machine that yields one CPU sample per simulated second. Each stage visit draws its
// event details (e.g. the received file's name length); faults may be conditioned on them.
import { cpuCoresLabel } from '../model/index.js';
import { evaluateCondition, parseCondition, type Condition } from './condition.js';
import type { Random } from './random.js';
import type { Fault, Scenario, StageDefinition } from './scenario-schema.js';
import { OS_VERSIONS, type AppStage, type HostArch, type OsType } from './stages.js';

/** What defines an install: it keeps OS, arch and machine across app runs (its version may change). */
export interface InstallIdentity {
  installId: string;
  osType: OsType;
  osVersion: string;
  hostArch: HostArch;
  /** Logical CPUs of the machine (`filesfu.host.cpu.logical_count`). */
  cpuLogicalCount: number;
}

export interface SessionIdentity extends InstallIdentity {
  sessionId: string;
  appVersion: string;
}

export interface CpuSample {
  stage: AppStage;
  utilization: number;
  /** The current visit's event details (detail key → integer); one object per visit. */
  details: Readonly<Record<string, number>>;
  /** The raw identity of the sample's stream: stage and detail values (`streamKey`). */
  stream: string;
  /** True when an injected fault (not the baseline or noise) produced the sample. */
  faulty: boolean;
}

export function drawInstall(scenario: Scenario, random: Random): InstallIdentity {
  const osType = random.weighted(scenario.fleet.os);
  const osVersions = OS_VERSIONS[osType];
  return {
    installId: random.uuid(),
    osType,
    osVersion: osVersions[random.integer(0, osVersions.length - 1)] ?? osVersions[0] ?? '0',
    hostArch: random.weighted(scenario.fleet.arch),
    cpuLogicalCount: random.weighted(scenario.fleet.cpuCores),
  };
}

/** A session length in seconds from the scenario's `sessionLength`, or undefined (the machine decides). */
export function drawSessionSeconds(scenario: Scenario, random: Random): number | undefined {
  const spec = scenario.sessionLength;
  if (!spec) return undefined;
  const [min, max] = [spec.min / 1000, spec.max / 1000];
  const seconds =
    spec.distribution === 'log-uniform' ? min * Math.pow(max / min, random.next()) : random.uniform(min, max);
  return Math.max(1, Math.round(seconds));
}

interface SessionFault {
  fault: Fault;
  condition: Condition | undefined;
}

interface Transition {
  value: AppStage;
  weight: number;
}

const NO_DETAILS: Readonly<Record<string, number>> = Object.freeze({});

export class SimulatedSession {
  readonly identity: SessionIdentity;
  /** Faults this session has (matched by version/OS/cores and drawn by probability). */
  readonly faults: Fault[];
  private readonly sessionFaults: SessionFault[];
  private stage: AppStage = 'starting';
  private samplesLeftInStage = 0;
  private visitDetails: Readonly<Record<string, number>> = NO_DETAILS;
  private visitFaults: Fault[] = [];
  private noiseLeft = 0;
  private noiseCpu: readonly [number, number] = [0, 0];
  private elapsed = 0;
  private ended = false;
  private visitStream = 'starting';
  private readonly sample: CpuSample = {
    stage: 'starting',
    utilization: 0,
    details: NO_DETAILS,
    stream: 'starting',
    faulty: false,
  };
  private readonly transitions: Record<
    AppStage,
    { all: Transition[]; onward: Transition[]; terminal: boolean }
  >;

  constructor(
    private readonly scenario: Scenario,
    install: InstallIdentity,
    private readonly random: Random,
    appVersion: string,
    /** Simulated seconds after which the session heads for its terminal stage; undefined = the machine decides. */
    private readonly lengthSeconds: number | undefined = undefined,
  ) {
    this.identity = { ...install, appVersion, sessionId: random.uuid() };
    const cores = cpuCoresLabel(install.cpuLogicalCount);
    this.faults = scenario.faults.filter(
      (fault) =>
        (fault.match.version === undefined || fault.match.version === appVersion) &&
        (fault.match.os === undefined || fault.match.os === install.osType) &&
        (fault.match.cpuCores === undefined || fault.match.cpuCores === cores) &&
        random.chance(fault.probability),
    );
    this.sessionFaults = this.faults.map((fault) => ({
      fault,
      condition: fault.condition === undefined ? undefined : parseCondition(fault.condition),
    }));
    this.transitions = transitionsOf(scenario);
    this.enterStage('starting');
  }

  get currentStage(): AppStage {
    return this.stage;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The next one-second sample, or undefined once the session has ended. The returned object is
   * reused by the next call (millions of samples, no garbage): copy it to keep it.
   */
  nextSample(): CpuSample | undefined {
    if (this.ended) return undefined;
    while (this.samplesLeftInStage <= 0) {
      const next = this.drawNextStage();
      if (next === undefined) {
        this.ended = true;
        return undefined;
      }
      this.enterStage(next);
    }
    this.samplesLeftInStage -= 1;
    this.elapsed += 1;
    return this.sampleCpu();
  }

  private enterStage(stage: AppStage): void {
    const spec = this.spec(stage);
    this.stage = stage;
    let length = this.random.integer(spec.duration[0], spec.duration[1]);
    const terminal = Object.keys(spec.next).length === 0;
    if (this.lengthSeconds !== undefined && !terminal) {
      length = Math.max(1, Math.min(length, this.lengthSeconds - this.elapsed));
    }
    this.samplesLeftInStage = length;
    const details: Record<string, number> = {};
    for (const [key, distribution] of Object.entries(spec.details)) {
      if (!distribution) continue;
      details[key] =
        distribution.distribution === 'log-uniform'
          ? Math.floor(
              distribution.min * Math.pow((distribution.max + 1) / distribution.min, this.random.next()),
            )
          : this.random.integer(distribution.min, distribution.max);
    }
    this.visitDetails = Object.keys(details).length > 0 ? details : NO_DETAILS;
    this.visitStream = streamKey(stage, this.visitDetails);
    this.visitFaults = this.sessionFaults
      .filter(
        ({ fault, condition }) =>
          (fault.match.stage === undefined || fault.match.stage === stage) &&
          (condition === undefined || evaluateCondition(condition, this.visitDetails)) &&
          this.random.chance(fault.visitProbability),
      )
      .map(({ fault }) => fault);
  }

  private sampleCpu(): CpuSample {
    const sample = this.sample;
    sample.stage = this.stage;
    sample.details = this.visitDetails;
    sample.stream = this.visitStream;
    sample.faulty = this.visitFaults.length > 0;
    sample.utilization = this.drawUtilization();
    return sample;
  }

  private drawUtilization(): number {
    if (this.visitFaults.length > 0) {
      let cpu = 0;
      for (const fault of this.visitFaults)
        cpu = Math.max(cpu, this.random.uniform(fault.cpu[0], fault.cpu[1]));
      return clampUnit(cpu);
    }
    const noise = this.scenario.noise;
    if (this.noiseLeft === 0) {
      if (this.random.chance(noise.spikeProbability)) {
        this.noiseLeft = this.random.integer(noise.spikeSamples[0], noise.spikeSamples[1]);
        this.noiseCpu = noise.cpu;
      } else if (noise.bursts && this.random.chance(noise.bursts.probability)) {
        this.noiseLeft = this.random.integer(noise.bursts.samples[0], noise.bursts.samples[1]);
        this.noiseCpu = noise.bursts.cpu;
      }
    }
    if (this.noiseLeft > 0) {
      this.noiseLeft -= 1;
      return clampUnit(this.random.uniform(this.noiseCpu[0], this.noiseCpu[1]));
    }
    const baseline = this.scenario.baseline[this.stage];
    return clampUnit(this.random.normal(baseline.mean, baseline.sd));
  }

  private spec(stage: AppStage): StageDefinition {
    return this.scenario.stages[stage];
  }

  private drawNextStage(): AppStage | undefined {
    const { all, onward } = this.transitions[this.stage];
    if (all.length === 0) return undefined;
    if (this.lengthSeconds === undefined) return this.random.weighted(all);
    if (this.elapsed >= this.lengthSeconds) {
      // Time is up: head for a terminal stage (shutdown by default), or end right here.
      const terminal = all.find((entry) => this.transitions[entry.value].terminal)?.value;
      if (terminal) return terminal;
      return this.transitions.shutdown.terminal ? 'shutdown' : undefined;
    }
    return onward.length > 0 ? this.random.weighted(onward) : this.stage;
  }
}

const TRANSITIONS = new WeakMap<Scenario, SimulatedSession['transitions']>();

/** Each stage's transitions, all and those to non-terminal stages; computed once per scenario. */
function transitionsOf(scenario: Scenario): SimulatedSession['transitions'] {
  let cached = TRANSITIONS.get(scenario);
  if (cached) return cached;
  const isTerminal = (stage: AppStage) => Object.keys(scenario.stages[stage].next).length === 0;
  cached = Object.fromEntries(
    (Object.keys(scenario.stages) as AppStage[]).map((stage) => {
      const all = Object.entries(scenario.stages[stage].next).map(([value, weight]) => ({
        value: value as AppStage,
        weight: Number(weight ?? 0),
      }));
      return [stage, { all, onward: all.filter((t) => !isTerminal(t.value)), terminal: all.length === 0 }];
    }),
  ) as SimulatedSession['transitions'];
  TRANSITIONS.set(scenario, cached);
  return cached;
}

/** The raw identity of a stream within a session: the stage attribute and every detail value. */
export function streamKey(stage: string, details: Readonly<Record<string, number>>): string {
  let key = stage;
  for (const name of Object.keys(details).sort()) key += `|${name}=${details[name]}`;
  return key;
}

function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}
