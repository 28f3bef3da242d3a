import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {arraySamples, source} from "../../src/components/nn/index.js";
import {
  DEFAULT_GRID,
  emaSmooth,
  expandGrid,
  GridError,
  logSpace,
  MAX_RUNS,
  mergeSweepFiles,
  parseShard,
  readSweepFile,
  resultRows,
  runCount,
  runSweepRun,
  shardRuns,
  sweepFileText,
  SweepFileError,
  SWEEP_FORMAT,
  SWEEP_VERSION,
  validateGrid,
  type SweepFile,
  type SweepGrid,
} from "../../src/components/runs/sweep.js";

const grid = (over: Partial<SweepGrid> = {}) => validateGrid({...DEFAULT_GRID, ...over});

describe("validateGrid", () => {
  it("fills defaults and keeps a valid grid", () => {
    expect(validateGrid({})).toEqual(DEFAULT_GRID);
    expect(grid({lrs: [0.01, 10], seeds: 3}).lrs).toEqual([0.01, 10]);
  });

  it.each([
    [{colour: "red"}, /unknown grid key: "colour"/],
    [{inits: []}, /invalid inits: the list is empty/],
    [{activations: []}, /invalid activations: the list is empty/],
    [{lrs: [0.1, 0]}, /invalid lrs: 0 \(learning rate η: expected a number from 0.0001 to 10\)/],
    [{lrs: [-1]}, /invalid lrs: -1/],
    [{lrs: [11]}, /invalid lrs: 11/],
    [{lrs: [0.1, 0.1]}, /invalid lrs: .* repeats a value/],
    [{inits: ["magic"]}, /invalid inits: "magic"/],
    [{train: 40_000}, /invalid train: 40000/],
    [{seeds: 0}, /invalid seeds: 0/],
    [{hidden: [16, 0]}, /invalid hidden\[1\]: 0/],
    [{momentum: 1}, /invalid momentum: 1/],
    // μ is read only by optimizer "momentum": beside sgd or adam it would be ignored.
    [{optimizers: ["adam"], momentum: 0.9}, /^invalid momentum: 0.9 with optimizers adam \(only optimizer momentum uses μ; add momentum to the optimizers, or set momentum to 0\)$/],
    [{optimizers: ["sgd"], momentum: 0.5}, /invalid momentum: 0.5 with optimizers sgd/],
  ])("refuses %j naming the field", (over, message) => {
    expect(() => validateGrid({...DEFAULT_GRID, ...over})).toThrow(GridError);
    expect(() => validateGrid({...DEFAULT_GRID, ...over})).toThrow(message);
  });

  it(`refuses more than ${MAX_RUNS} runs`, () => {
    expect(() => grid({lrs: logSpace(1e-4, 10, 50), seeds: 2})).toThrow(/too many runs: 600 .* at most 500/);
  });
});

describe("expandGrid", () => {
  it("gives inits × activations × lrs × seeds runs in a fixed order, seed innermost", () => {
    const runs = expandGrid(grid({inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1], seeds: 2}));
    expect(runs.map((r) => `${r.key}#${r.seed}`)).toEqual([
      "he-normal|relu|0.01#1",
      "he-normal|relu|0.01#2",
      "he-normal|relu|0.1#1",
      "he-normal|relu|0.1#2",
      "uniform|relu|0.01#1",
      "uniform|relu|0.01#2",
      "uniform|relu|0.1#1",
      "uniform|relu|0.1#2",
    ]);
    expect(runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("logSpace spans lo to hi evenly in log", () => {
    expect(logSpace(0.001, 1, 4)).toEqual([0.001, 0.01, 0.1, 1]);
    expect(logSpace(0.001, 1, 6)).toEqual([0.001, 0.00398, 0.0158, 0.0631, 0.251, 1]);
  });
});

describe("shardRuns", () => {
  it("covers every run exactly once for any split (property)", () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 4}), fc.integer({min: 1, max: 5}), fc.integer({min: 1, max: 3}), fc.integer({min: 1, max: 12}), (inits, lrs, seeds, n) => {
        const g = grid({inits: ["he-normal", "xavier-normal", "uniform", "zeros"].slice(0, inits) as SweepGrid["inits"], lrs: logSpace(0.001, 1, lrs), seeds});
        const all = expandGrid(g);
        const seen = Array.from({length: n}, (_, k) => shardRuns(all, k + 1, n))
          .flat()
          .map((r) => r.index)
          .sort((a, b) => a - b);
        expect(seen).toEqual(all.map((r) => r.index));
        expect(runCount(g)).toBe(all.length);
      }),
    );
  });

  it("parses i/n and refuses shards outside 1 … n", () => {
    expect(parseShard("2/8")).toEqual({index: 2, count: 8});
    expect(() => parseShard("0/3")).toThrow(/invalid shard: 0\/3/);
    expect(() => parseShard("4/3")).toThrow(/invalid shard/);
    expect(() => parseShard("x")).toThrow(/expected i\/n/);
  });
});

describe("emaSmooth (TensorBoard's debiased EMA)", () => {
  it("matches hand-computed values", () => {
    // w = 0.5: s1 = 0.5·1 = 0.5 → /0.5 = 1; s2 = 0.25 + 0.5·3 = 1.75 → /0.75 = 2.333…; s3 = 0.875 + 0.5·5 = 3.375 → /0.875 = 3.857…
    const s = emaSmooth([1, 3, 5], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(7 / 3, 12);
    expect(s[2]).toBeCloseTo(3.375 / 0.875, 12);
  });

  it("weight 0 returns the values; a constant stays constant; NaN passes through", () => {
    expect(emaSmooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    for (const v of emaSmooth([4, 4, 4, 4], 0.9)) expect(v).toBeCloseTo(4, 12);
    const s = emaSmooth([1, NaN, 1], 0.6);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(1, 12);
    expect(() => emaSmooth([1], 1)).toThrow(/invalid weight: 1/);
  });
});

// A tiny synthetic data set (2-d inputs in 10 classes would be too small for 784-wide grids, so the
// grid's dataset is mnist and the samples are 784-d random vectors).
function data(n: number, seed: number, scale = 1) {
  const random = source(seed);
  const labels = Array.from({length: n}, (_, i) => i % 10);
  const inputs = labels.map((c) => Array.from({length: 784}, (_, j) => (j % 10 === c ? scale : 0) * random()));
  return arraySamples(inputs, labels);
}
const tiny = grid({train: 40, test: 20, hidden: [4], inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.5], seeds: 2, batch: 8, pointsPerEpoch: 2});
const tinyData = {train: data(40, 1), test: data(20, 2)};
const whole: SweepFile = {
  format: SWEEP_FORMAT,
  version: SWEEP_VERSION,
  grid: tiny,
  search: {kind: "grid"},
  stage: null,
  shard: null,
  runs: expandGrid(tiny).map((r) => runSweepRun(tiny, r, tinyData)),
};

describe("runSweepRun", () => {
  it("is deterministic and records a curve, dead units and a fingerprint", () => {
    const run = expandGrid(tiny)[0];
    const a = runSweepRun(tiny, run, tinyData),
      b = runSweepRun(tiny, run, tinyData);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(a.curve[0].samples).toBe(0);
    expect(a.curve.at(-1)!.samples).toBe(40);
    expect(a.steps).toBe(5);
    expect(a.hiddenUnits).toBe(4);
    expect(a.deadUnits).toBeGreaterThanOrEqual(0);
    expect(runSweepRun(tiny, expandGrid(tiny)[1], tinyData).fingerprint).not.toBe(a.fingerprint);
  });

  it("records a diverging run as diverged at its update, and the sweep goes on", () => {
    const g = grid({...tiny, lrs: [10], inits: ["uniform"], activations: ["identity"], optimizers: ["momentum"], momentum: 0.99, epochs: 20});
    const huge = {train: data(40, 1, 1e3), test: data(20, 2, 1e3)};
    const results = expandGrid(g).map((r) => runSweepRun(g, r, huge));
    const diverged = results.filter((r) => r.diverged);
    expect(diverged.length).toBeGreaterThan(0);
    for (const r of diverged) {
      expect(r.diverged).toMatch(/^diverged at step \d+/);
      expect(r.testAccuracy).toBeNaN();
    }
    expect(results).toHaveLength(2);
  });
});

describe("results files: schema, shards and merge", () => {
  const shards = (n: number) =>
    Array.from({length: n}, (_, k): {name: string; file: SweepFile} => ({
      name: `part-${k + 1}.json`,
      file: {...whole, shard: {index: k + 1, count: n}, runs: shardRuns(expandGrid(tiny), k + 1, n).map((r) => runSweepRun(tiny, r, tinyData))},
    }));

  it("the merge of n shards equals the unsharded run, run by run", () => {
    for (const n of [1, 3, 8]) {
      const merged = mergeSweepFiles(shards(n));
      expect(merged.runs).toEqual(whole.runs);
      expect(merged.shard).toBeNull();
    }
  });

  it("refuses the same shard twice, different grids, mixed splits and missing runs", () => {
    const [a, b] = shards(2);
    expect(() => mergeSweepFiles([a, a])).toThrow(/part-1.json repeats shard 1\/2/);
    const other = {name: "other.json", file: {...b.file, grid: {...tiny, lrs: [0.01, 0.2]}}};
    expect(() => mergeSweepFiles([a, other])).toThrow(/other.json is a different grid/);
    expect(() => mergeSweepFiles([a, shards(3)[1]])).toThrow(SweepFileError);
    expect(() => mergeSweepFiles([a])).toThrow(/4 of 8 runs missing/);
    expect(mergeSweepFiles([a], {allowPartial: true}).runs).toHaveLength(4);
  });

  it("round-trips through JSON text (NaN stored as null) and checks the schema", () => {
    const text = sweepFileText(whole);
    expect(readSweepFile(text, "all.json").runs.map((r) => r.fingerprint)).toEqual(whole.runs.map((r) => r.fingerprint));
    const broken = JSON.parse(text);
    broken.runs[1].index = 0;
    expect(() => readSweepFile(broken, "x.json")).toThrow(/x.json: runs\[1\]: run 0 appears twice/);
    expect(() => readSweepFile({...JSON.parse(text), format: "csv"}, "y.json")).toThrow(/y.json: format "csv"/);
    expect(() => readSweepFile("{", "z.json")).toThrow(/z.json: not JSON/);
    const missing = JSON.parse(text);
    delete missing.runs[0].fingerprint;
    expect(() => readSweepFile(missing, "m.json")).toThrow(/missing fingerprint/);
  });

  it("resultRows gives one row per run", () => {
    expect(resultRows(whole)).toHaveLength(whole.runs.length);
    expect(Object.keys(resultRows(whole)[0])).toContain("fingerprint");
  });
});

describe("version 1 files", () => {
  it("read as version 2: the grid's optimizer becomes optimizers, each run gets its trial, rung 0, the whole budget and the neutral axes", () => {
    const {optimizers, weightDecays, dropouts, schedules, warmups, nesterov, ...rest} = tiny;
    expect([weightDecays, dropouts, schedules, warmups, nesterov]).toEqual([[0], [0], ["constant"], [0], false]);
    const v1 = {
      format: SWEEP_FORMAT,
      version: 1,
      grid: {...rest, optimizer: optimizers[0]},
      shard: null,
      runs: whole.runs.map(({trial: _t, rung: _r, budget: _b, config, ...r}) => ({...r, config: {init: config.init, activation: config.activation, lr: config.lr}})),
    };
    expect(whole.runs.every((r) => r.rung === 0 && r.budget === tiny.train * tiny.epochs)).toBe(true);
    const read = readSweepFile(JSON.parse(sweepFileText(v1 as unknown as SweepFile)), "old.json");
    expect(read.version).toBe(SWEEP_VERSION);
    expect(read.grid).toEqual(tiny);
    expect(read.runs).toEqual(readSweepFile(sweepFileText(whole)).runs);
    // A version 1 run whose configuration contradicts its key is still refused by name.
    v1.runs[0].config.lr = 0.3;
    expect(() => readSweepFile(v1, "old.json")).toThrow(/old.json: runs\[0\]: run 0 \(he-normal\|relu\|0.01 seed 1\): config .* contradicts its key/);
  });
});

describe("the Compare page's URL state", async () => {
  const {readCompareState, writeCompareState, DEFAULT_VIEW} = await import("../../src/components/experiments/compare-params.js");
  it("round-trips a grid and the view", () => {
    const g = grid({inits: ["lecun-normal", "uniform"], activations: ["tanh"], lrs: [0.003, 0.3], seeds: 2, train: 500, hidden: [32, 8], batch: 16});
    const view = {smooth: 0.8, metric: "trainLoss" as const, sel: "uniform|tanh|0.3"};
    expect(readCompareState(writeCompareState(g, view))).toEqual({grid: g, view, problems: []});
    expect(writeCompareState(DEFAULT_GRID, DEFAULT_VIEW)).toBe("");
  });

  it("ignores a tampered parameter, names it, and keeps the rest", () => {
    const {grid: g, problems} = readCompareState("?init=magic&lr=0.01,0.1&seeds=99&smooth=2");
    expect(g.inits).toEqual(DEFAULT_GRID.inits);
    expect(g.lrs).toEqual([0.01, 0.1]);
    expect(g.seeds).toBe(1);
    expect(problems.map((p) => p.split(" ")[2])).toEqual(['init="magic"', 'seeds="99"', 'smooth="2"']);
  });
});

describe("grid messages quote long values short", () => {
  it("a 10,000-character initialisation is named by its first characters and its length", () => {
    let message = "";
    try {
      validateGrid({...DEFAULT_GRID, inits: ["x".repeat(10_000)]} as unknown as SweepGrid);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("(10,000 characters)");
    expect(message.length).toBeLessThan(300);
  });
});
