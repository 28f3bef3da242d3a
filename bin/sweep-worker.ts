/**
 * Worker-thread task for `npm run sweep` (run by tinypool): trains one run of a grid on the MNIST
 * page's subsets, read once per thread. The same runSweepRun as the page's Web Workers.
 */
import {runSweepRun, type SweepGrid, type SweepResult, type SweepRun} from "../src/components/runs/sweep.js";
import {sweepSamples} from "../src/components/runs/sweep-data.js";
import {pageSubsets} from "../src/components/runs/sweep-node.js";

export default function task({grid, run}: {grid: SweepGrid; run: SweepRun}): SweepResult {
  const {train, test} = pageSubsets();
  return runSweepRun(grid, run, sweepSamples(grid, train, test));
}
