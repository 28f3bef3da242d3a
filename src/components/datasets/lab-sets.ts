/**
 * The neuron lab's fixed data sets, sizes and seeds in one place. Both sources are 16×16, 8-bit,
 * in the DGT1 layout (codec.ts), gzip-compressed, written at build time by src/data/lab-*.bin.ts.
 */
export const LAB_SETS = {
  /** Procedural digits (procedural.ts): training and test sets from different seeds, so they never share a sample. */
  procedural: {train: {count: 6000, seed: 16}, test: {count: 1000, seed: 61}},
  /** MNIST downsampled 28 → 16 by area averaging: class-balanced selections of MNIST's training and test files. */
  mnist16: {train: {count: 6000}, test: {count: 1000}},
} as const;

export type LabDataset = keyof typeof LAB_SETS;
export const LAB_DATASETS = Object.keys(LAB_SETS) as LabDataset[];
