/**
 * Node only (data loader, CLI, worker threads, tests): a sweep's data from MNIST's IDX files,
 * selected exactly as the MNIST page's subsets are (src/components/datasets/subsets.ts).
 */
import {readMnist} from "../datasets/mnist-node.js";
import {selectSubset} from "../datasets/subsets.js";
import type {ImageSet} from "./sweep-data.js";

let cached: {train: ImageSet; test: ImageSet} | null = null;

/** The page's training (30,000) and test (1,000) subsets, read once per process. */
export function pageSubsets(): {train: ImageSet; test: ImageSet} {
  cached ??= {train: selectSubset("train", readMnist("train")), test: selectSubset("test", readMnist("test"))};
  return cached;
}
