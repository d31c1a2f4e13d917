// A small seeded PRNG so that a scenario with a seed produces the same fleet every run: tests and
// bug reports can then talk about "session 17 of seed 42" and mean the same thing.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  /** Normal(mean, sd) via Box–Muller. */
  normal(mean: number, sd: number): number;
  integer(minInclusive: number, maxInclusive: number): number;
  chance(probability: number): boolean;
  /** Picks one entry with probability proportional to its weight. */
  weighted<T>(entries: ReadonlyArray<{ value: T; weight: number }>): T;
  /** A derived, independent stream (e.g. one per session) that does not disturb this one. */
  fork(salt: number): Random;
  uuid(): string;
}

/** mulberry32: tiny, fast, statistically fine for simulation (not for cryptography). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal: (mean, sd) => {
      const u1 = Math.max(next(), Number.EPSILON);
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    weighted: (entries) => {
      const total = entries.reduce((sum, entry) => sum + entry.weight, 0);
      let pick = next() * total;
      for (const entry of entries) {
        pick -= entry.weight;
        if (pick < 0) return entry.value;
      }
      const last = entries[entries.length - 1];
      if (!last) throw new Error('weighted(): no entries');
      return last.value;
    },
    fork: (salt) => createRandom(hashSeed(state, salt)),
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
      hex[12] = '4';
      hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
  return random;
}

function hashSeed(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
