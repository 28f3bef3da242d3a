/**
 * Build-time search for the Compare page: the report's random search (REPORT_SEARCH in
 * src/components/experiments/compare-params.ts: 32 trials × 2 seeds over η, λ, dropout, optimiser
 * and schedule, one epoch of 5,000 images), run with the CLI's engine (`sweep()` of bin/sweep.ts,
 * one worker thread per core) and the same runSweepRun as the page's workers, so the page's
 * verify buttons retrain any of its runs to the same fingerprint. Prints the results file.
 */
import {availableParallelism} from "node:os";
import {sweep} from "../../bin/sweep.js";
import {sweepFileText} from "../components/runs/sweep.js";
import {REPORT_SEARCH, REPORT_SEARCH_GRID} from "../components/experiments/compare-params.js";

const started = performance.now();
const workers = Math.max(1, Math.min(4, availableParallelism()));
const file = await sweep(REPORT_SEARCH_GRID, {search: REPORT_SEARCH, workers, quiet: true});
const best = Math.max(...file.runs.map((r) => (Number.isFinite(r.testAccuracy) ? r.testAccuracy : 0)));
const diverged = file.runs.filter((r) => r.diverged).length;
process.stderr.write(
  `compare-search: ${file.runs.length} runs on ${workers} threads in ${((performance.now() - started) / 1000).toFixed(1)} s; best run ${(100 * best).toFixed(1)} %, ${diverged} diverged\n`,
);
process.stdout.write(sweepFileText(file));
