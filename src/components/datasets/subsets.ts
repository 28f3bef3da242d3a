/**
 * Which MNIST images the workbook uses, in one place. Sizes were chosen so the MNIST page's data
 * stays under 6 MB (30,000 + 1,000 + 90 images, about 5.2 MB gzip-compressed) while
 * 784→16→16→10 passes 90 % test accuracy within one epoch of the training subset at the page's
 * default settings (6,000 images were too few: 85–88 % after one epoch).
 */
import {source, shuffle, STREAM} from "../nn/random.js";
import type {LabelledImages} from "./idx.js";
import type {Subset} from "./codec.js";

/** Seed of every subset selection (the data's seed, not a run's). */
export const DATA_SEED = 2015;

export interface SubsetSpec {
  /** MNIST file pair the images come from. */
  source: "train" | "test";
  /** Images per class (class-balanced). */
  perClass: number;
  /** Images per class skipped first in the seeded order, so subsets of one file can be disjoint. */
  skipPerClass: number;
}

export const SUBSETS = {
  /** The page's training subset: 3,000 per class (half of MNIST's training file). */
  train: {source: "train", perClass: 3000, skipPerClass: 0},
  /** The page's test subset: 100 per class from MNIST's test file. */
  test: {source: "test", perClass: 100, skipPerClass: 0},
  /** A fixed held-out grid of 9 digits per class, disjoint from the test subset. */
  grid: {source: "test", perClass: 9, skipPerClass: 100},
} as const satisfies Record<string, SubsetSpec>;

export type SubsetName = keyof typeof SUBSETS;

/**
 * Indices of a class-balanced selection: the labels' indices are shuffled with `seed`, then the
 * first `perClass[c]` of each class c (after skipping `skip` of that class) are kept, returned in
 * ascending order. With `total`, perClass is total/10 with the remainder going to the lowest classes.
 * throws RangeError when a class has too few images.
 */
export function balancedIndices(labels: Uint8Array, perClass: number | number[], seed = DATA_SEED, skip = 0): Uint32Array {
  const want = Array.isArray(perClass) ? perClass : Array.from({length: 10}, () => perClass);
  const order = new Uint32Array(labels.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffle(order, source(seed, STREAM.data));
  const seen = new Array(10).fill(0);
  const kept: number[] = [];
  for (const i of order) {
    const c = labels[i];
    const k = seen[c]++;
    if (k >= skip && k < skip + want[c]) kept.push(i);
  }
  want.forEach((n, c) => {
    if (seen[c] < skip + n) throw new RangeError(`invalid subset size: class ${c} has ${seen[c]} images, ${skip + n} needed`);
  });
  return Uint32Array.from(kept.sort((a, b) => a - b));
}

/** perClass counts for a total of n images: ⌊n/10⌋ each, one more for the lowest n mod 10 classes. */
export function perClassFor(n: number): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`invalid subset size: ${n} (expected an integer ≥ 1)`);
  return Array.from({length: 10}, (_, c) => Math.floor(n / 10) + (c < n % 10 ? 1 : 0));
}

/** Copies the images at `indices` out of a parsed file into a Subset. */
export function take(images: LabelledImages, indices: Uint32Array, seed = DATA_SEED): Subset {
  const size = images.rows * images.cols;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((i, k) => {
    pixels.set(images.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = images.labels[i];
  });
  return {count: indices.length, rows: images.rows, cols: images.cols, pixels, labels, indices: indices.slice(), seed};
}

/** The named subset of a parsed MNIST file pair. */
export function selectSubset(name: SubsetName, images: LabelledImages): Subset {
  const {perClass, skipPerClass} = SUBSETS[name];
  return take(images, balancedIndices(images.labels, perClass, DATA_SEED, skipPerClass));
}
