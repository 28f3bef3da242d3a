// What a reader meets first on the Compare and experiment pages, checked in Node with the same
// runSweepRun and images as the build: the build-time report's grid has seeds to show a band and
// runs long enough that its best configurations pass 90 %; the experiment page's own grid (read
// from src/experiment.md) gives the clear answer its prose promises; the command the Compare page
// prints runs the grid it shows.
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {main} from "../../bin/sweep.js";
import {expandGrid, REPORT_GRID, runCount, runSweepRun, validateGrid, type SweepGrid} from "../../src/components/runs/sweep.js";
import {pageSubsets, reportFile} from "../../src/components/runs/sweep-node.js";
import {sweepSamples} from "../../src/components/runs/sweep-data.js";
import {summarise, sweepCommand} from "../../src/components/views/compare-charts.js";
import {REPORT_SEARCH, REPORT_SEARCH_GRID} from "../../src/components/experiments/compare-params.js";
import {validateSearch, type SearchSpec} from "../../src/components/runs/search.js";
import {capture} from "./capture.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the build-time report's grid", () => {
  const grid = validateGrid(REPORT_GRID);

  it("is a comparison: several seeds, initialisations, activations and η, and few enough runs for the build", () => {
    expect(grid.seeds).toBeGreaterThanOrEqual(3);
    expect(grid.inits.length).toBeGreaterThanOrEqual(3);
    expect(grid.activations.length).toBeGreaterThanOrEqual(2);
    expect(grid.lrs.length).toBeGreaterThanOrEqual(4);
    // 90 runs × 30,000 samples took 13–21 s on two threads; keep the loader's work at most that.
    expect(runCount(grid) * grid.epochs * grid.train).toBeLessThanOrEqual(90 * 30_000);
  });

  it("trains its best configurations past 90 % on every seed, with a visible spread; ReLU collapses at η = 0.3", () => {
    const {train, test} = pageSubsets();
    const data = sweepSamples(grid, train, test);
    const runs = expandGrid(grid);
    const of = (key: string, seeds = grid.seeds) => runs.filter((r) => r.key === key && r.seed <= seeds).map((r) => runSweepRun(grid, r, data));
    const best = of("he-normal|relu|0.01");
    for (const r of best) expect(r.testAccuracy).toBeGreaterThan(0.9);
    expect(new Set(best.map((r) => r.testAccuracy)).size).toBe(grid.seeds);
    expect(mean(of("xavier-normal|relu|0.03").map((r) => r.testAccuracy))).toBeGreaterThan(0.9);
    expect(of("he-normal|relu|0.3", 1)[0].testAccuracy).toBeLessThan(0.3);
  });
});

/** The grid of the experiment page's first cell: the object literal given to validateGrid in src/experiment.md. */
function experimentGrid(): SweepGrid {
  const text = readFileSync(new URL("../../src/experiment.md", import.meta.url), "utf8");
  const literal = /const grid = validateGrid\((\{[\s\S]*?\})\);/.exec(text);
  if (!literal) throw new Error("src/experiment.md: no `const grid = validateGrid({…});` cell");
  return validateGrid(new Function(`return (${literal[1]});`)());
}

describe("the experiment page's example", () => {
  it("gives the answer its prose describes: ReLU above sigmoid at every η, on every seed", () => {
    const grid = experimentGrid();
    expect(grid.activations).toEqual(["relu", "sigmoid"]);
    expect(grid.seeds).toBeGreaterThanOrEqual(3);
    expect(runCount(grid) * grid.epochs * grid.train).toBeLessThanOrEqual(100_000); // seconds in a browser tab
    const summaries = summarise(reportFile(grid));
    for (const lr of grid.lrs) {
      const [relu, sigmoid] = ["relu", "sigmoid"].map((a) => summaries.find((s) => s.activation === a && s.lr === lr)!);
      // Not seed luck: the worst ReLU seed beats the best sigmoid seed, by a margin.
      expect(relu.accuracyMin - sigmoid.accuracyMax, `η = ${lr}`).toBeGreaterThan(0.05);
      // The ranges the prose gives: about 60–75 % against 20–45 %.
      expect(relu.accuracy).toBeGreaterThan(0.55);
      expect(relu.accuracy).toBeLessThan(0.8);
      expect(sigmoid.accuracy).toBeGreaterThan(0.15);
      expect(sigmoid.accuracy).toBeLessThan(0.5);
    }
  });
});

describe("the Compare page's command", () => {
  it("runs the grid the page shows (the CLI reads it back to the same grid)", async () => {
    for (const grid of [
      validateGrid(REPORT_GRID),
      validateGrid({inits: ["he-normal"], activations: ["relu", "tanh"], lrs: [0.01, 0.2], train: 1000, test: 200, hidden: [32], epochs: 2, batch: 8, optimizer: "adam"}),
    ]) {
      const args = sweepCommand(grid).replace("npm run -s sweep --", "").replace(/\\\n/g, " ").split(/\s+/).filter(Boolean);
      expect(args.slice(-2)).toEqual(["--out", "results.json"]);
      const {code, stdout} = await capture(() => main([...args.slice(0, -2), "--print-grid"]));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(grid);
    }
  });

  it("runs the search the page shows: random and successive halving, with their ranges (the CLI's results file holds the same grid and search)", async () => {
    const small = {train: 20, test: 10, seeds: 1, hidden: [4]};
    const cases: [SweepGrid, SearchSpec][] = [
      [validateGrid({...REPORT_SEARCH_GRID, ...small}), validateSearch({...REPORT_SEARCH, trials: 3})],
      [validateGrid({...REPORT_SEARCH_GRID, ...small, lrs: [0.01, 0.1]}), validateSearch({kind: "random", trials: 2, seed: 5, ranges: {warmup: [0, 10]}})],
      [
        validateGrid({...REPORT_SEARCH_GRID, ...small, lrs: [0.001], optimizers: ["sgd"], momentum: 0, schedules: ["constant"]}),
        validateSearch({kind: "asha", trials: 4, seed: 2, ranges: {lr: [0.001, 0.5], dropout: [0, 0.3]}, reduction: 2, rungs: 2, brackets: 1}),
      ],
    ];
    for (const [grid, search] of cases) {
      const args = sweepCommand(grid, "results.json", search).replace("npm run -s sweep --", "").replace(/\\\n/g, " ").split(/\s+/).filter(Boolean);
      expect(args.slice(-2)).toEqual(["--out", "results.json"]);
      const {code, stdout} = await capture(() => main([...args.slice(0, -2), "--workers", "0", "--quiet"]));
      expect(code).toBe(0);
      const file = JSON.parse(stdout);
      expect(file.grid).toEqual(grid);
      expect(file.search).toEqual(search);
    }
  });
});
