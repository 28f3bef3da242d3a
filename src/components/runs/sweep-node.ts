/**
 * Node only (data loader, CLI, worker threads, tests): a sweep's data from MNIST's IDX files,
 * selected exactly as the MNIST page's subsets are (src/components/datasets/subsets.ts).
 */
import {pixelSamples, type Samples} from "../nn/index.js";
import {readMnist} from "../datasets/mnist-node.js";
import {selectSubset} from "../datasets/subsets.js";
import {GRID_SEARCH} from "./search.js";
import {expandGrid, runSweepRun, SWEEP_FORMAT, SWEEP_VERSION, type SweepFile, type SweepGrid} from "./sweep.js";
import {sweepSamples, type ImageSet} from "./sweep-data.js";

let cached: {train: ImageSet; test: ImageSet} | null = null;

/** The page's training (30,000) and test (1,000) subsets, read once per process. */
export function pageSubsets(): {train: ImageSet; test: ImageSet} {
  cached ??= {train: selectSubset("train", readMnist("train")), test: selectSubset("test", readMnist("test"))};
  return cached;
}

/** The page's subsets as the network module's Samples (pixels / 255), for data loaders. */
export function pageSamples(): {train: Samples; test: Samples} {
  const {train, test} = pageSubsets();
  return {train: pixelSamples(train.pixels, train.labels, 784), test: pixelSamples(test.pixels, test.labels, 784)};
}

/**
 * The build-time report (src/data/compare-report.json.ts): every run of a validated `grid`, in
 * grid order, in this thread, with the same runSweepRun and images as `npm run sweep` and the
 * page's workers. `onRun(done, total)` is called after each run. Throws RangeError when the grid
 * asks for more images than the page's subsets hold.
 */
export function reportFile(grid: SweepGrid, onRun?: (done: number, total: number) => void): SweepFile {
  const {train, test} = pageSubsets();
  const data = sweepSamples(grid, train, test);
  const all = expandGrid(grid);
  const runs = all.map((run, k) => {
    const result = runSweepRun(grid, run, data);
    onRun?.(k + 1, all.length);
    return result;
  });
  return {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, search: GRID_SEARCH, stage: null, shard: null, runs};
}
