/**
 * Seeded randomness. Every random draw in the network module comes from a source made here,
 * never from Math.random, so that the same seed gives the same weights bit for bit in Node
 * and in the browser (d3-random's LCG is pure 32-bit integer arithmetic).
 */
import {randomLcg} from "d3-random";
import {shuffler} from "d3-array";

/** Largest seed: the generator's state is 32 bits, so larger seeds would alias smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;

/** A uniform source on [0, 1). */
export type Source = () => number;

/**
 * A seeded uniform source for one purpose of a run. Different `stream`s of one seed are
 * independent sequences, so e.g. changing the initialiser does not change the sample order.
 * throws RangeError when seed is not an integer from 0 to MAX_SEED.
 */
export function source(seed: number, stream = 0): Source {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) throw new RangeError(`invalid seed: ${seed} (expected an integer from 0 to ${MAX_SEED})`);
  // Scatter (seed, stream) over the 32-bit state space; Math.imul keeps it integer-exact.
  const mixed = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  return randomLcg(mixed / 2 ** 32);
}

/** Streams used by training runs: initial weights (the network's seed), sample order and dropout masks (the trainer's seed), data subsets. */
export const STREAM = {init: 0, order: 1, data: 2, dropout: 3} as const;

/** Shuffles `array` in place (Fisher–Yates, d3-array) with the given source, and returns it. */
export function shuffle<T extends {length: number; [i: number]: unknown}>(array: T, random: Source): T {
  return shuffler(random)(array as unknown as unknown[]) as unknown as T;
}
