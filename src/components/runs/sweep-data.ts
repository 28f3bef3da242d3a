/**
 * The images a sweep trains and tests on: the first `grid.train` images of the MNIST page's
 * training subset and the first `grid.test` of its test subset, in the subsets' order. The page
 * (from the built .bin files) and Node (from the IDX files, sweep-node.ts) select the same
 * images, so a run's fingerprint is the same in both.
 */
import {pixelSamples} from "../nn/index.js";
import {DATASETS, type SweepData, type SweepGrid} from "./sweep.js";

export interface ImageSet {
  /** Uint8Array of count × 784, row-major, 0–255. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** throws RangeError when the sets hold fewer images than the grid asks for. */
export function sweepSamples(grid: SweepGrid, train: ImageSet, test: ImageSet): SweepData {
  const size = DATASETS[grid.dataset].inputSize;
  const first = (set: ImageSet, n: number, what: string) => {
    if (set.labels.length < n) throw new RangeError(`invalid ${what}: ${n} images asked for, ${set.labels.length} available`);
    return pixelSamples(set.pixels.subarray(0, n * size), set.labels.subarray(0, n), size);
  };
  return {train: first(train, grid.train, "train"), test: first(test, grid.test, "test")};
}
