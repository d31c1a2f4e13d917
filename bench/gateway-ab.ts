// `npm run bench:gateway-ab`: is a change to the gateway faster or slower? Two gateway replicas, the
// baseline checkout's (A) and this one's (B), receive the same load from fresh load generators in
// alternated rounds (A then B, B then A, ...), beside one collector they both export to. For each
// shape it prints the median over rounds of B's points per CPU-second divided by A's: above 1, B is
// cheaper. Pairing the rounds cancels most of a shared machine's drift, which moves absolute figures
// between runs by more than most changes are worth.
//
// Env: FILESFU_AB_BASELINE (required): the baseline checkout, e.g. made with
// `git worktree add ../baseline <rev>` plus its node_modules (`npm ci`, or a symlink to these when the
// lockfile is the same). Both run with this checkout's V8 flags. FILESFU_AB_ROUNDS (7),
// FILESFU_AB_SHAPES (100,100gz,1000,1000gz: points per request, `gz` for gzip); the load knobs of
// bench/gateway-knobs.ts apply (FILESFU_BENCH_POINTS per round and gateway, ...). An A/A run (the
// baseline being this very checkout) shows the harness's own spread (bench/RESULTS.md).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { POINTS_PER_RUN, WARMUP_POINTS, integerKnob, loadJob } from './gateway-knobs.js';
import { measure, pointsPerCpuSecond } from './gateway-measure.js';
import { median } from './median.js';
import { type Target, startCollector, startGateway, stopAll, workDir } from './gateway-targets.js';

interface Shape {
  name: string;
  pointsPerRequest: number;
  gzip: boolean;
}

function settings(): { baseline: string; rounds: number; shapes: Shape[] } {
  const baseline = process.env['FILESFU_AB_BASELINE'];
  if (baseline === undefined || !existsSync(join(baseline, 'src', 'gateway', 'main.ts'))) {
    throw new Error(`FILESFU_AB_BASELINE must name another checkout of this repository, got ${baseline}`);
  }
  const rounds = integerKnob('FILESFU_AB_ROUNDS', 7, 1);
  const shapes = (process.env['FILESFU_AB_SHAPES'] ?? '100,100gz,1000,1000gz').split(',').map((name) => {
    const match = /^(\d+)(gz)?$/.exec(name.trim());
    if (!match || Number(match[1]) < 1) {
      throw new Error(`FILESFU_AB_SHAPES: "${name}" is not <points per request>[gz]`);
    }
    return { name: name.trim(), pointsPerRequest: Number(match[1]), gzip: match[2] === 'gz' };
  });
  return { baseline: resolve(baseline), rounds, shapes };
}

/** Points per CPU-second of `target` for one run of `shape`; a failed request stops the comparison. */
async function cpuRate(target: Target, shape: Shape, points: number): Promise<number> {
  const run = await measure(target, loadJob(target.url, shape.pointsPerRequest, shape.gzip, points));
  if (run.failures > 0) throw new Error(`${run.failures} requests failed (logs in ${workDir})`);
  return pointsPerCpuSecond(run);
}

async function main(): Promise<void> {
  const { baseline, rounds, shapes } = settings();
  const collector = await startCollector();
  const a = await startGateway(collector.url, baseline, 'gateway-a');
  const b = await startGateway(collector.url, undefined, 'gateway-b');
  console.log(
    `# gateway A/B: A = ${baseline}, B = this checkout; ${rounds} rounds × ${POINTS_PER_RUN} points`,
  );
  console.log('| shape | A points/CPU-s | B points/CPU-s | B/A median | B/A per round |');
  console.log('|---|---|---|---|---|');
  // Both to the steady state first (JIT, full session store), as bench:gateway does.
  for (const target of [a, b]) {
    for (const shape of shapes) await cpuRate(target, shape, WARMUP_POINTS / shapes.length);
  }
  for (const shape of shapes) {
    const rates = { a: [] as number[], b: [] as number[] };
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
      const got = { a: 0, b: 0 };
      for (const side of order) got[side] = await cpuRate(side === 'a' ? a : b, shape, POINTS_PER_RUN);
      rates.a.push(got.a);
      rates.b.push(got.b);
      ratios.push(got.b / got.a);
    }
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(
      `| ${shape.name} | ${fmt(median(rates.a))} | ${fmt(median(rates.b))} | **${median(ratios).toFixed(3)}** | ${ratios.map((r) => r.toFixed(2)).join(' ')} |`,
    );
  }
}

main().then(stopAll, (error: unknown) => {
  console.error(error);
  stopAll();
  process.exitCode = 1;
});
