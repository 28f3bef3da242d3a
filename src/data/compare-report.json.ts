/**
 * Build-time report for the Compare page: runs the default grid (src/components/runs/sweep.ts
 * DEFAULT_GRID) with the same runSweepRun the page's workers and `npm run sweep` use, on the same
 * images (reportFile in sweep-node.ts), and prints the results file. The page shows it without
 * computing; "Re-run here" recomputes it in the reader's browser and checks that the fingerprints
 * agree.
 */
import {DEFAULT_GRID, sweepFileText, validateGrid} from "../components/runs/sweep.js";
import {reportFile} from "../components/runs/sweep-node.js";

const started = performance.now();
const file = reportFile(validateGrid(DEFAULT_GRID));
process.stderr.write(`compare-report: ${file.runs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(sweepFileText(file));
