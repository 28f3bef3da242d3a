/**
 * Web Worker entry for sweeps (src/components/runs/worker-pool.ts runs it): receives the images
 * once, then trains one run per task with runSweepRun and reports each curve point.
 */
import {serveTasks} from "./worker-pool.js";
import {runSweepRun, type CurvePoint, type SweepGrid, type SweepRun} from "./sweep.js";
import {sweepSamples, type ImageSet} from "./sweep-data.js";

let images: {train: ImageSet; test: ImageSet} | null = null;

serveTasks<{train: ImageSet; test: ImageSet}, {grid: SweepGrid; run: SweepRun}, unknown, {point: CurvePoint; fraction: number}>({
  init(payload) {
    images = payload;
  },
  run({grid, run}, progress, beat) {
    if (!images) throw new Error("no data: the worker was not initialised");
    return runSweepRun(grid, run, sweepSamples(grid, images.train, images.test), (point, fraction) => progress({point, fraction}), beat);
  },
});
