/**
 * Worker-thread task for `npm run sweep` (run by tinypool): trains one run of a grid with the
 * same runSweepRun as the page's Web Workers. The images come from the main thread once per
 * thread (tinypool's workerData: the first `train` and `test` images of the MNIST page's
 * subsets), so a thread starts without reading and hashing the MNIST files again.
 */
import {workerData as threadData} from "node:worker_threads";
import {runSweepRun, type SweepData, type SweepGrid, type SweepResult, type SweepRun} from "../src/components/runs/sweep.js";
import {sweepSamples, type ImageSet} from "../src/components/runs/sweep-data.js";

let data: SweepData | null = null;

export default function task({grid, run}: {grid: SweepGrid; run: SweepRun}): SweepResult {
  // tinypool passes [its own data, the pool's workerData].
  const images = (threadData as [unknown, {train: ImageSet; test: ImageSet}])[1];
  data ??= sweepSamples(grid, images.train, images.test);
  return runSweepRun(grid, run, data);
}
