// @vitest-environment jsdom
// The Compare page's figures and words (views/compare-charts.ts) in a DOM: usable ranges that are
// one η wide still show, an optimum at the edge of the grid is said in words, a selection reads as
// words, a heatmap click selects without a hover first, and the page's URL round-trips (the
// command it prints is tested in compare-report.test.ts, in Node).
import {describe, expect, it, vi} from "vitest";
import {activationShort, compareSearch, configLabel, heatmapChart, initShort, lrChart, rangeText, startGrid, usableRanges, type ConfigSummary} from "../../src/components/views/compare-charts.js";
import {DEFAULT_VIEW, readCompareState, readSearch, REPORT_SEARCH, REPORT_SEARCH_GRID} from "../../src/components/experiments/compare-params.js";
import {validateSearch} from "../../src/components/runs/search.js";
import {DEFAULT_GRID, REPORT_GRID, validateGrid} from "../../src/components/runs/sweep.js";
import {meanCI} from "../../src/components/runs/seed-groups.js";

// jsdom has no canvas; Plot draws a colour ramp legend on one. A stub that draws nothing will do.
HTMLCanvasElement.prototype.getContext = (() => ({fillRect() {}})) as unknown as typeof HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.toDataURL = () => "data:,";

/** A configuration's summary with the given mean accuracy (NaN: every seed diverged). */
const summary = (init: string, activation: string, lr: number, accuracy: number): ConfigSummary => ({
  key: `${init}|${activation}|${lr}`,
  init,
  activation,
  lr,
  accuracy,
  accuracyMin: accuracy - 0.01,
  accuracyMax: accuracy + 0.01,
  seeds: 3,
  diverged: Number.isFinite(accuracy) ? 0 : 3,
  deadUnits: 0,
  ci: meanCI([accuracy - 0.01, accuracy, accuracy + 0.01]),
});

// he-normal · relu: best at the largest η; he-normal · sigmoid: best at the smallest, and only
// that one η is usable; uniform · relu: best in the middle.
const summaries = [
  summary("he-normal", "relu", 0.01, 0.82),
  summary("he-normal", "relu", 0.1, 0.85),
  summary("he-normal", "relu", 1, 0.9),
  summary("he-normal", "sigmoid", 0.01, 0.9),
  summary("he-normal", "sigmoid", 0.1, 0.5),
  summary("he-normal", "sigmoid", 1, NaN),
  summary("uniform", "relu", 0.01, 0.6),
  summary("uniform", "relu", 0.1, 0.9),
  summary("uniform", "relu", 1, 0.3),
  summary("uniform", "sigmoid", 0.01, 0.1),
  summary("uniform", "sigmoid", 0.1, 0.1),
  summary("uniform", "sigmoid", 1, 0.1),
];
const range = (init: string, activation: string) => usableRanges(summaries).find((r) => r.init === init && r.activation === activation)!;

describe("usable ranges and the edge of the grid", () => {
  it("flags a best η at either end of the grid, in words", () => {
    expect(range("he-normal", "relu")).toMatchObject({lo: 0.01, hi: 1, bestLr: 1, edge: "largest"});
    expect(rangeText(range("he-normal", "relu"))).toContain("best η is the largest tried; try larger");
    expect(range("he-normal", "sigmoid")).toMatchObject({lo: 0.01, hi: 0.01, bestLr: 0.01, edge: "smallest"});
    expect(rangeText(range("he-normal", "sigmoid"))).toBe("only η = 0.01 (best 90.0 % at η = 0.01); best η is the smallest tried; try smaller");
    expect(range("uniform", "relu").edge).toBeNull();
    expect(rangeText(range("uniform", "relu"))).not.toContain("try");
  });

  it("does not flag a pair that learnt nothing, or a grid of one η", () => {
    expect(range("uniform", "sigmoid")).toMatchObject({edge: null});
    expect(rangeText(range("uniform", "sigmoid"))).toBe("no usable η in this grid (best 10.0 % at η = 0.01)");
    expect(usableRanges([summary("he-normal", "relu", 0.1, 0.9)])[0].edge).toBeNull();
  });

  it("draws a one-η usable range as a visible dot, and points the way at an edge", () => {
    const chart = lrChart(summaries, {width: 800});
    // The range marks: a link per pair and a dot at both ends (one dot when lo = hi).
    const dots = [...chart.querySelectorAll("g[aria-label='dot'] circle")];
    expect(dots.length).toBe(2 + 1 + 1); // he-normal·relu (0.01 to 1), he-normal·sigmoid (only 0.01), uniform·relu (only 0.1)
    for (const dot of dots) expect(Number(dot.getAttribute("r"))).toBeGreaterThan(2);
    const titles = dots.map((d) => d.querySelector("title")?.textContent);
    expect(titles).toContain("usable η for U(±0.5) · ReLU: 0.1");
    expect(titles).toContain("usable η for He normal · sigmoid: 0.01");
    const texts = [...chart.querySelectorAll("g[aria-label='text'] text")].map((t) => t.textContent);
    expect(texts.sort()).toEqual(["try larger →", "← try smaller"].sort());
  });
});

describe("words for configurations", () => {
  it("reads a key as words", () => {
    expect(configLabel("he-normal|relu|0.0631")).toBe("He (Kaiming) normal, ReLU, η = 0.0631");
    expect(configLabel("xavier-normal|sigmoid|0.1")).toBe("Xavier (Glorot) normal, Sigmoid (logistic), η = 0.1");
    expect(configLabel("uniform|identity|1")).toBe("Naive uniform U(−0.5, 0.5), identity, η = 1");
    expect(configLabel("")).toBe("");
    expect(configLabel("not a key")).toBe("not a key");
    expect([initShort("xavier-normal"), activationShort("leaky-relu"), initShort("mystery")]).toEqual(["Xavier normal", "leaky ReLU", "mystery"]);
  });

  it("labels the heatmap's axes in words, not names", () => {
    const chart = heatmapChart(summaries, {width: 800});
    const ticks = [...chart.querySelectorAll("g[aria-label='y-axis tick label'] text")].map((t) => t.textContent);
    expect(ticks).toEqual(["He normal", "U(±0.5)"]);
    const facets = [...chart.querySelectorAll("g[aria-label='fx-axis tick label'] text")].map((t) => t.textContent);
    expect(facets).toEqual(["ReLU", "sigmoid"]);
  });
});

describe("heatmap intervals", () => {
  it("writes each cell's mean ± the half-width of its 95 % interval, on two lines when the cell is narrow", () => {
    const wide = [...heatmapChart(summaries, {width: 800}).querySelectorAll("g[aria-label='text'] text")].map((t) => t.textContent);
    // Three seeds at accuracy − 1, accuracy, accuracy + 1 points: s = 1 point, half-width 4.303 / √3 = 2.5 points.
    expect(wide).toContain("90.0 ± 2.5");
    expect(wide).toContain("div");
    const narrow = [...heatmapChart(summaries, {width: 420}).querySelectorAll("g[aria-label='text'] text")];
    const cell = narrow.find((t) => t.textContent?.startsWith("90.0"))!;
    expect([...cell.querySelectorAll("tspan")].map((t) => t.textContent)).toEqual(["90.0", "± 2.5"]);
  });
});

describe("heatmap clicks", () => {
  it("a click on a cell selects its configuration at once, with no pointer move before it", () => {
    const onSelect = vi.fn();
    const chart = heatmapChart(summaries, {width: 800, onSelect});
    const cells = [...chart.querySelectorAll("rect[data-key]")];
    // Every configuration has a cell, the all-diverged one too (grey, marked "div").
    expect(new Set(cells.map((c) => c.getAttribute("data-key")))).toEqual(new Set(summaries.map((s) => s.key)));
    const cell = cells.find((c) => c.getAttribute("data-key") === "uniform|relu|0.1")!;
    cell.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    expect(onSelect).toHaveBeenCalledWith("uniform|relu|0.1");
    // The label on a cell selects too; so does the "div" label of a diverged cell.
    const div = [...chart.querySelectorAll("text[data-key]")].find((t) => t.textContent === "div")!;
    div.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    expect(onSelect).toHaveBeenLastCalledWith("he-normal|sigmoid|1");
    // A click outside any cell selects nothing.
    chart.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    expect(onSelect).toHaveBeenCalledTimes(2);
  });
});

describe("the page's URL and command", () => {
  const report = validateGrid(REPORT_GRID);
  const view = {...DEFAULT_VIEW, sel: "he-normal|relu|0.01"};
  const roundTrip = (grid: typeof report) => {
    const search = compareSearch(grid, view, report);
    const read = readCompareState(search);
    return {search, grid: startGrid(search, read.grid, report, read.problems), view: read.view};
  };

  it("opens the report's grid from a link without grid parameters, and writes none for it", () => {
    expect(roundTrip(report)).toEqual({search: "?sel=he-normal%7Crelu%7C0.01", grid: report, view});
    const none = readCompareState("");
    expect(startGrid("", none.grid, report, none.problems)).toEqual(report);
  });

  it("keeps every other grid, DEFAULT_GRID included, and the meaning of older links", () => {
    for (const grid of [DEFAULT_GRID, validateGrid({...report, seeds: 2}), validateGrid({inits: ["zeros"], activations: ["tanh"], lrs: [0.5], train: 500})]) {
      expect(roundTrip(grid).grid).toEqual(grid);
    }
    const old = "?init=he-normal,uniform&act=relu&lr=0.01,0.1,0.5&train=500&test=200";
    const read = readCompareState(old);
    expect(startGrid(old, read.grid, report, read.problems)).toEqual(
      validateGrid({...DEFAULT_GRID, inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1, 0.5], train: 500, test: 200}),
    );
  });

  it("falls back to the report's grid when every grid parameter of a link was refused", () => {
    const search = "?init=magic&seeds=99";
    const read = readCompareState(search);
    expect(read.problems).toHaveLength(2);
    expect(startGrid(search, read.grid, report, read.problems)).toEqual(report);
  });
});

describe("searches in the page's URL", () => {
  const report = validateGrid(REPORT_GRID);
  const roundTrip = (grid: typeof report, search: ReturnType<typeof validateSearch>) => {
    const text = compareSearch(grid, DEFAULT_VIEW, report, search);
    const read = readCompareState(text);
    return {text, grid: startGrid(text, read.grid, report, read.problems), search: readSearch(text, read.problems), problems: read.problems};
  };

  it("round-trips the report's search, a random search without an η range and successive halving", () => {
    const asha = validateSearch({kind: "asha", trials: 27, seed: 4, ranges: {lr: [0.01, 0.5], warmup: [0, 50]}, reduction: 3, rungs: 4, brackets: 2});
    const plain = validateSearch({kind: "random", trials: 5, seed: 1, ranges: {}});
    for (const [grid, search] of [
      [REPORT_SEARCH_GRID, REPORT_SEARCH],
      [validateGrid({...DEFAULT_GRID, lrs: [0.01, 0.1]}), plain],
      [REPORT_SEARCH_GRID, asha],
    ] as const) {
      const back = roundTrip(grid, search);
      expect(back.problems).toEqual([]);
      expect(back.grid).toEqual(grid);
      expect(back.search).toEqual(search);
    }
    // The report's grid searched at random is not the report's grid: the link says search=random.
    expect(roundTrip(report, plain).text).toContain("search=random");
    expect(roundTrip(report, plain).search).toEqual(plain);
    // Only what differs from a search's defaults is written.
    expect(new URLSearchParams(roundTrip(REPORT_SEARCH_GRID, REPORT_SEARCH).text).get("trials")).toBe("32");
    expect(new URLSearchParams(roundTrip(REPORT_SEARCH_GRID, REPORT_SEARCH).text).has("search-seed")).toBe(false);
    expect(new URLSearchParams(roundTrip(validateGrid({...DEFAULT_GRID, lrs: [0.01, 0.1]}), plain).text).get("lr-range")).toBe("");
  });

  it("falls back parameter by parameter and names each one", () => {
    const read = readCompareState("?search=asha&trials=0&reduction=1&rungs=3&lr-range=0,1&dropout-range=0.1,0.2&brackets=9");
    expect(readSearch("?search=asha&trials=0&reduction=1&rungs=3&lr-range=0,1&dropout-range=0.1,0.2&brackets=9", read.problems)).toMatchObject({
      kind: "asha",
      trials: 16,
      reduction: 3,
      rungs: 3,
      brackets: 1,
      ranges: {lr: [0.001, 1], dropout: [0.1, 0.2]},
    });
    expect(read.problems).toEqual([
      'URL parameter trials="0" ignored (invalid trials: 0 (expected a whole number from 1 to 500)).',
      'URL parameter reduction="1" ignored (invalid reduction factor: 1 (expected a whole number from 2 to 10: each rung keeps the best 1/reduction)).',
      'URL parameter brackets="9" ignored (invalid brackets: 9 (expected a whole number from 1 to 3)).',
      'URL parameter lr-range="0,1" ignored (invalid lr range: 0 (expected a number from 0.0001 to 10)).',
    ]);
    const problems: string[] = [];
    expect(readSearch("?search=bayes", problems)).toEqual({kind: "grid"});
    expect(problems).toEqual(['URL parameter search="bayes" ignored (expected grid, random or asha); running a grid.']);
    const more: string[] = [];
    readSearch("?search=random&rungs=4", more);
    expect(more[0]).toMatch(/rungs="4" ignored \(rungs applies to successive halving/);
  });
});
