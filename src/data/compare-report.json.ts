/**
 * Build-time report for the Compare page: runs the report grid (REPORT_GRID in
 * src/components/runs/sweep.ts: 90 runs, 3 seeds each, one epoch of 30,000 images) with the same
 * runSweepRun the page's workers and `npm run sweep` use, on the same images, on worker threads
 * (the CLI's engine, `sweep()` of bin/sweep.ts: one thread per core), and prints the results file.
 * The page shows it without computing; "Re-run here" recomputes it in the reader's browser and
 * checks that the fingerprints agree. About 13 s on two cores.
 */
import {availableParallelism} from "node:os";
import {sweep} from "../../bin/sweep.js";
import {REPORT_GRID, sweepFileText, validateGrid} from "../components/runs/sweep.js";

const started = performance.now();
const grid = validateGrid(REPORT_GRID);
const workers = Math.max(1, Math.min(4, availableParallelism()));
const file = await sweep(grid, {workers, quiet: true});
const best = Math.max(...file.runs.map((r) => (Number.isFinite(r.testAccuracy) ? r.testAccuracy : 0)));
process.stderr.write(`compare-report: ${file.runs.length} runs on ${workers} threads in ${((performance.now() - started) / 1000).toFixed(1)} s; best run ${(100 * best).toFixed(1)} %\n`);
process.stdout.write(sweepFileText(file));
