// Count tables of random simulated fleets, built in-process (no Prometheus): the replay test, the
// fault-class tests and the power table (`npm run triage:power`) run the search on them. The model
// follows the simulator's: stages with their own healthy high-CPU rates, versions/OSes/core counts
// with skewed shares, healthy differences between versions beyond binomial noise (a random effect
// on the logit of each version's, version-stage's and OS's rate), windows of one session counted
// together (clusters), and injected faults that add points of over-rate to one cell.
import type { Cell, CountRow, CountTables } from './cells.js';
import { KNOWN_OS_TYPES, KNOWN_STAGES } from '../../model/index.js';

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  integer(low: number, high: number): number {
    return Math.floor(this.uniform(low, high + 1));
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n < 60) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.next() < p) k++;
      return k;
    }
    const k = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, k));
  }
}

export const SYNTHETIC_STAGES: readonly string[] = KNOWN_STAGES;
export const SYNTHETIC_OS: readonly string[] = KNOWN_OS_TYPES;
export const SYNTHETIC_CORES = ['<=2', '3-4', '5-8', '9-16', '>16'];
export const SYNTHETIC_BUCKETS = ['<=20', '21-42', '43-80', '>80'];
export const SYNTHETIC_DETAIL = 'file_name_length';

export interface Fault {
  /** Where: version/stage/os/detail_bucket (detail_bucket may be a tail such as `>42`); absent = all. */
  cell: Cell;
  /**
   * Points of over-rate added to the cell's windows (0.08 = +8 points): to the stage's windows for
   * a fault in a stage, to the session windows (spread over every stage) for one without.
   */
  add: number;
}

export interface FleetSpec {
  seed: number;
  /** Session windows in the range. */
  windows: number;
  versions: number;
  /** Zipf exponent of version shares (0 = equal). */
  skew: number;
  /** Share of all windows of the first version, overriding the Zipf share (e.g. 0.7 for a dominant release). */
  firstShare?: number;
  /** Healthy fleet rate multiplier of the stage base rates (noise level). */
  noise: number;
  /** SD of the healthy random effects on the logit scale. */
  heterogeneity: number;
  /** Windows per session cluster (1 = independent windows). */
  cluster: number;
  faults: Fault[];
}

const STAGE_VISIT = [0.2, 0.2, 0.95, 0.35, 0.3, 0.3, 0.5, 0.15];
const STAGE_RATE = [0.01, 0.008, 0.004, 0.03, 0.01, 0.01, 0.012, 0.004];
const BUCKET_SHARE = [0.3, 0.4, 0.2, 0.1];

export function versionName(index: number): string {
  return `7.${index}.0`;
}

function bucketMatches(fault: Fault, bucket: string): boolean {
  const wanted = fault.cell.detail_bucket;
  if (wanted === undefined) return true;
  if (wanted === bucket) return true;
  const tail = /^>(\d+)$/.exec(wanted);
  if (!tail) return false;
  const lower = /^(?:(\d+)-\d+|>(\d+))$/.exec(bucket);
  const from = lower ? Number(lower[1] ?? Number(lower[2]) + 1) : 0;
  return from > Number(tail[1]);
}

function faultMatches(fault: Fault, labels: Cell): boolean {
  for (const d of ['version', 'stage', 'os', 'cpu_cores'] as const) {
    if (fault.cell[d] !== undefined && labels[d] !== undefined && fault.cell[d] !== labels[d]) return false;
  }
  return true;
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Session rate when each stage (visited with STAGE_VISIT) is high with its rate. */
function sessionRate(rates: readonly number[]): number {
  return 1 - rates.reduce((acc, r, si) => acc * (1 - STAGE_VISIT[si]! * Math.min(1, r)), 1);
}

/** The rate every stage gains so that the session rate gains `add` (bisection). */
function perStageAdd(add: number, rates: readonly number[]): number {
  const target = Math.min(0.999, sessionRate(rates) + add);
  let low = 0;
  let high = 1;
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (sessionRate(rates.map((r) => r + mid)) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** Clustered binomial: windows of one session share their outcome (variance × cluster). */
function clustered(rng: Rng, n: number, p: number, cluster: number): number {
  const whole = Math.floor(n / cluster);
  return Math.min(n, cluster * rng.binomial(whole, p) + rng.binomial(n - whole * cluster, p));
}

export function syntheticFleet(spec: FleetSpec): CountTables {
  const rng = new Rng(spec.seed);
  const versions = Array.from({ length: spec.versions }, (_, i) => versionName(i));
  let shares = versions.map((_, i) => 1 / (i + 1) ** spec.skew);
  const sum = shares.reduce((a, b) => a + b, 0);
  shares = shares.map((s) => s / sum);
  if (spec.firstShare !== undefined && versions.length > 1) {
    const rest = 1 - shares[0]!;
    shares = shares.map((s, i) => (i === 0 ? spec.firstShare! : (s / rest) * (1 - spec.firstShare!)));
  }
  const osShares = [0.3, 0.2, 0.5];
  const coreShares = [0.1, 0.3, 0.35, 0.2, 0.05];
  const h = spec.heterogeneity;
  const versionEffect = versions.map(() => h * rng.normal());
  const osEffect = SYNTHETIC_OS.map(() => h * rng.normal());
  const tables: CountTables = { session: [], stage: [], detail: [] };
  versions.forEach((version, vi) => {
    const stageEffect = SYNTHETIC_STAGES.map(() => (h / 2) * rng.normal());
    SYNTHETIC_OS.forEach((os, oi) => {
      SYNTHETIC_CORES.forEach((cores, ci) => {
        const n = rng.binomial(spec.windows, shares[vi]! * osShares[oi]! * coreShares[ci]!);
        if (n === 0) return;
        const labels = { version, os, cpu_cores: cores };
        let notHigh = 1;
        const healthy = SYNTHETIC_STAGES.map((_, si) =>
          expit(
            logit(Math.min(0.9, STAGE_RATE[si]! * spec.noise)) +
              versionEffect[vi]! +
              osEffect[oi]! +
              stageEffect[si]!,
          ),
        );
        // A fault without a stage raises every stage by the amount that raises the session rate by `add`.
        const everyStage = spec.faults
          .filter((f) => f.cell.stage === undefined && faultMatches(f, labels))
          .reduce((sum, f) => sum + perStageAdd(f.add, healthy), 0);
        SYNTHETIC_STAGES.forEach((stage, si) => {
          const stageLabels = { version, stage, os };
          const bucketRates = SYNTHETIC_BUCKETS.map(() => Math.min(1, healthy[si]! + everyStage));
          for (const fault of spec.faults) {
            if (fault.cell.stage !== stage || !faultMatches(fault, { ...stageLabels, cpu_cores: cores }))
              continue;
            SYNTHETIC_BUCKETS.forEach((bucket, bi) => {
              if (bucketMatches(fault, bucket)) bucketRates[bi] = Math.min(1, bucketRates[bi]! + fault.add);
            });
          }
          const rate = bucketRates.reduce((acc, r, bi) => acc + r * BUCKET_SHARE[bi]!, 0);
          const visits = rng.binomial(n, STAGE_VISIT[si]!);
          notHigh *= 1 - STAGE_VISIT[si]! * rate;
          if (visits === 0) return;
          if (stage !== 'receiving' && stage !== 'sending') {
            tables.stage.push({
              labels: stageLabels,
              n: visits,
              k: clustered(rng, visits, rate, spec.cluster),
            });
            return;
          }
          // Each visit of these stages has one file: its bucket's rows add up to the stage's.
          let high = 0;
          let left = visits;
          SYNTHETIC_BUCKETS.forEach((bucket, bi) => {
            const share = BUCKET_SHARE.slice(bi).reduce((a, b) => a + b, 0);
            const nb =
              bi === SYNTHETIC_BUCKETS.length - 1 ? left : rng.binomial(left, BUCKET_SHARE[bi]! / share);
            left -= nb;
            if (nb === 0) return;
            const kb = clustered(rng, nb, bucketRates[bi]!, spec.cluster);
            high += kb;
            tables.detail.push({
              labels: { ...stageLabels, detail: SYNTHETIC_DETAIL, detail_bucket: bucket },
              n: nb,
              k: kb,
            });
          });
          tables.stage.push({ labels: stageLabels, n: visits, k: high });
        });
        tables.session.push({ labels, n, k: clustered(rng, n, 1 - notHigh, spec.cluster) });
      });
    });
  });
  return mergeRows(tables);
}

/** Rows with the same labels (several cores rows feed one stage row) summed into one. */
function mergeRows(tables: CountTables): CountTables {
  const merge = (rows: CountRow[]) => {
    const map = new Map<string, CountRow>();
    for (const row of rows) {
      const key = JSON.stringify(row.labels);
      const known = map.get(key);
      if (known) {
        known.n += row.n;
        known.k += row.k;
      } else map.set(key, { labels: row.labels, n: row.n, k: row.k });
    }
    return [...map.values()];
  };
  return { session: merge(tables.session), stage: merge(tables.stage), detail: merge(tables.detail) };
}

/** A random healthy fleet of the replay: sizes, version counts, skews, noise and dispersion varied. */
export function randomHealthySpec(seed: number): FleetSpec {
  const rng = new Rng(seed * 7919 + 13);
  return {
    seed,
    windows: Math.round(Math.exp(rng.uniform(Math.log(300), Math.log(60_000)))),
    versions: Math.round(Math.exp(rng.uniform(0, Math.log(50)))),
    skew: rng.uniform(0, 2),
    noise: Math.exp(rng.uniform(Math.log(0.5), Math.log(8))),
    heterogeneity: rng.uniform(0, 0.25),
    cluster: rng.integer(1, 2),
    faults: [],
  };
}
