/**
 * Build-time report for the Compare page: runs the default grid (src/components/runs/sweep.ts
 * DEFAULT_GRID) with the same runSweepRun the page's workers and `npm run sweep` use, on the same
 * images, and prints the results file. The page shows it without computing; "Re-run here"
 * recomputes it in the reader's browser and checks that the fingerprints agree.
 */
import {DEFAULT_GRID, expandGrid, runSweepRun, sweepFileText, SWEEP_FORMAT, SWEEP_VERSION, validateGrid} from "../components/runs/sweep.js";
import {sweepSamples} from "../components/runs/sweep-data.js";
import {pageSubsets} from "../components/runs/sweep-node.js";

const grid = validateGrid(DEFAULT_GRID);
const {train, test} = pageSubsets();
const data = sweepSamples(grid, train, test);
const started = performance.now();
const runs = expandGrid(grid).map((run) => runSweepRun(grid, run, data));
process.stderr.write(`compare-report: ${runs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(sweepFileText({format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard: null, runs}));
