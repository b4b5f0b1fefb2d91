import { mulberry32 } from '../kit/prng.ts';

/** A small seeded PRNG (mulberry32) and the draws the simulator needs; same seed, same run. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  /** Exponential with the given mean, rounded to whole ms and clamped to `min`. */
  exp(mean: number, min?: number): number;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed >>> 0 || 0x9e3779b9);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(list: readonly T[]): T {
      if (list.length === 0) throw new Error('pick from an empty list');
      return list[Math.floor(next() * list.length)] as T;
    },
    exp: (mean, min = 0) => Math.max(min, Math.round(-Math.log(1 - next()) * mean)),
  };
}
