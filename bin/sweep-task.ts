/**
 * One run of a sweep on a worker thread: the same runSweepRun as the page's Web Workers. The
 * images come from the main thread once per thread (workerData: the first `train` and `test`
 * images of the MNIST page's subsets), so a thread starts without reading and hashing the MNIST
 * files again. bin/sweep-worker.ts serves it; tests wrap it to inject faults.
 */
import {workerData} from "node:worker_threads";
import {runSweepRun, type SweepData, type SweepGrid, type SweepResult, type SweepRun} from "../src/components/runs/sweep.js";
import {sweepSamples, type ImageSet} from "../src/components/runs/sweep-data.js";

let data: SweepData | null = null;

export function sweepTask({grid, run}: {grid: SweepGrid; run: SweepRun}): SweepResult {
  const images = workerData as {train: ImageSet; test: ImageSet};
  data ??= sweepSamples(grid, images.train, images.test);
  return runSweepRun(grid, run, data);
}
