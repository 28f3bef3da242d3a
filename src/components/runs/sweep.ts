/**
 * Hyperparameter sweeps, shared by the Compare page, its build-time report, the `npm run sweep`
 * CLI, worker threads and the tests: a grid (initialisations × activations × learning rates ×
 * seeds on one dataset and architecture), its expansion into runs, deterministic shards, one
 * run's training, merging shard files, the results schema, EMA smoothing and CSV.
 *
 * One function trains a run (`runSweepRun`), so a run has the same fingerprint in the browser's
 * workers, Node's worker threads and the data loader.
 */
import {activationNames, deadUnits, evaluate, fingerprint, initNames, Network, Trainer, type ActivationName, type InitName, type OptimizerName, type Samples} from "../nn/index.js";
import {LEARNING_RATE_RANGE, MOMENTUM_RANGE} from "../experiments/limits.js";

export const SWEEP_FORMAT = "digit-workbook/sweep";
export const SWEEP_VERSION = 1;
/** Most runs one grid may expand to. */
export const MAX_RUNS = 500;
/** The data a grid can use: the MNIST page's class-balanced subsets (30,000 training, 1,000 test digits). */
export const DATASETS = {mnist: {train: 30_000, test: 1_000, inputSize: 784, classes: 10}} as const;
export type DatasetName = keyof typeof DATASETS;

export interface SweepGrid {
  /** "mnist": the first `train` images of the MNIST page's training subset and the first `test` of its test subset. */
  dataset: DatasetName;
  train: number;
  test: number;
  /** Hidden layer sizes, e.g. [16, 16] for 784 → 16 → 16 → 10. */
  hidden: number[];
  inits: InitName[];
  activations: ActivationName[];
  /** Learning rates η, each in LEARNING_RATE_RANGE. */
  lrs: number[];
  /** Replicates: seeds 1 … seeds (each seed fixes the initial weights and the sample order). */
  seeds: number;
  epochs: number;
  /** Minibatch size B. */
  batch: number;
  optimizer: OptimizerName;
  /** Classical momentum μ (optimizer "momentum" only). */
  momentum: number;
  /** Curve points per epoch (default 10). */
  pointsPerEpoch: number;
}

/** The default grid: what validateGrid fills a partial grid (page URL, CLI flags, grid file) in from. */
export const DEFAULT_GRID: SweepGrid = {
  dataset: "mnist",
  train: 5000,
  test: 500,
  hidden: [16, 16],
  inits: ["he-normal", "xavier-normal", "uniform"],
  activations: ["relu", "sigmoid"],
  lrs: logSpace(0.001, 1, 6),
  seeds: 1,
  epochs: 1,
  batch: 16,
  optimizer: "sgd",
  momentum: 0,
  pointsPerEpoch: 10,
};

/**
 * The build-time report's grid, which the Compare page opens with: 3 initialisations × 2
 * activations × 5 learning rates × 3 seeds (90 runs), one epoch of all 30,000 training images of
 * the page's subset with SGD + momentum 0.9, tested on all 1,000 test images. The best pairs pass
 * 90 % test accuracy, the spread across seeds shows as a band, and the grid spans both sides of
 * each activation's best η (ReLU's cliff at 0.3, sigmoid's slow start at 0.003). It takes about
 * 13 s on two worker threads. DEFAULT_GRID stays what a partial grid is filled in from.
 */
export const REPORT_GRID: SweepGrid = {
  ...DEFAULT_GRID,
  train: 30_000,
  test: 1000,
  lrs: [0.003, 0.01, 0.03, 0.1, 0.3],
  seeds: 3,
  epochs: 1,
  batch: 32,
  optimizer: "momentum",
  momentum: 0.9,
};

/** n values from lo to hi spaced evenly on a log scale, each rounded to 3 significant digits. */
export function logSpace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  return Array.from({length: n}, (_, i) => +(lo * (hi / lo) ** (i / (n - 1))).toPrecision(3));
}

/** A grid that does not make sense; the message names the field. */
export class GridError extends Error {
  override name = "GridError";
}

const KEYS = Object.keys(DEFAULT_GRID) as (keyof SweepGrid)[];
const show = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));
const integerIn = (name: string, v: unknown, lo: number, hi: number) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new GridError(`invalid ${name}: ${show(v)} (expected a whole number from ${lo} to ${hi})`);
  return v;
};
const list = <T>(name: string, v: unknown, check: (x: unknown, i: number) => T, distinct = true): T[] => {
  if (!Array.isArray(v)) throw new GridError(`invalid ${name}: ${show(v)} (expected a list)`);
  if (v.length === 0) throw new GridError(`invalid ${name}: the list is empty`);
  const out = v.map(check);
  if (distinct && new Set(out.map(String)).size !== out.length) throw new GridError(`invalid ${name}: ${show(v)} repeats a value`);
  return out;
};

/**
 * Checks a grid at the boundary (page, URL, CLI, file) and fills in defaults for missing keys.
 * throws GridError naming the field: an unknown key, an empty or repeated axis, an unknown name,
 * η outside LEARNING_RATE_RANGE (so η ≤ 0 too), sizes out of range, or more than MAX_RUNS runs.
 */
export function validateGrid(input: unknown): SweepGrid {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new GridError("invalid grid: expected an object");
  for (const key of Object.keys(input)) if (!(KEYS as string[]).includes(key)) throw new GridError(`unknown grid key: ${JSON.stringify(key)} (known: ${KEYS.join(", ")})`);
  const g = {...DEFAULT_GRID, ...(input as Partial<SweepGrid>)};
  if (!(g.dataset in DATASETS)) throw new GridError(`invalid dataset: ${show(g.dataset)} (expected one of ${Object.keys(DATASETS).join(", ")})`);
  const data = DATASETS[g.dataset];
  const grid: SweepGrid = {
    dataset: g.dataset,
    train: integerIn("train", g.train, 10, data.train),
    test: integerIn("test", g.test, 10, data.test),
    hidden: list("hidden", g.hidden, (n, i) => integerIn(`hidden[${i}]`, n, 1, 512), false),
    inits: list("inits", g.inits, (n) => {
      if (!(initNames as unknown[]).includes(n)) throw new GridError(`invalid inits: ${show(n)} (expected one of ${initNames.join(", ")})`);
      return n as InitName;
    }),
    activations: list("activations", g.activations, (n) => {
      if (!(activationNames as unknown[]).includes(n)) throw new GridError(`invalid activations: ${show(n)} (expected one of ${activationNames.join(", ")})`);
      return n as ActivationName;
    }),
    lrs: list("lrs", g.lrs, (x) => {
      const [lo, hi] = LEARNING_RATE_RANGE;
      if (typeof x !== "number" || !(x >= lo && x <= hi)) throw new GridError(`invalid lrs: ${show(x)} (η must be a number from ${lo} to ${hi})`);
      return x;
    }),
    seeds: integerIn("seeds", g.seeds, 1, 20),
    epochs: integerIn("epochs", g.epochs, 1, 20),
    batch: integerIn("batch", g.batch, 1, 1000),
    optimizer: g.optimizer,
    momentum: g.momentum,
    pointsPerEpoch: integerIn("pointsPerEpoch", g.pointsPerEpoch, 1, 100),
  };
  if (!["sgd", "momentum", "adam"].includes(grid.optimizer)) throw new GridError(`invalid optimizer: ${show(grid.optimizer)} (expected sgd, momentum or adam)`);
  if (typeof grid.momentum !== "number" || !(grid.momentum >= MOMENTUM_RANGE[0] && grid.momentum <= MOMENTUM_RANGE[1]))
    throw new GridError(`invalid momentum: ${show(grid.momentum)} (expected a number from ${MOMENTUM_RANGE[0]} to ${MOMENTUM_RANGE[1]})`);
  const runs = runCount(grid);
  if (runs > MAX_RUNS) throw new GridError(`too many runs: ${runs} (inits × activations × lrs × seeds; at most ${MAX_RUNS})`);
  return grid;
}

export const runCount = (g: SweepGrid) => g.inits.length * g.activations.length * g.lrs.length * g.seeds;

/** One run of a grid: its place in the expansion, its configuration and its seed. */
export interface SweepRun {
  /** 0-based position in expandGrid's order. */
  index: number;
  /** Identifies the configuration across seeds: "init|activation|lr". */
  key: string;
  init: InitName;
  activation: ActivationName;
  lr: number;
  seed: number;
}

/** Every run of a grid, in a fixed order: init, then activation, then η, then seed (innermost). */
export function expandGrid(grid: SweepGrid): SweepRun[] {
  const runs: SweepRun[] = [];
  for (const init of grid.inits)
    for (const activation of grid.activations)
      for (const lr of grid.lrs)
        for (let seed = 1; seed <= grid.seeds; seed++) {
          runs.push({index: runs.length, key: `${init}|${activation}|${lr}`, init, activation, lr, seed});
        }
  return runs;
}

/**
 * The runs of shard `index` of `count` (1-based: 1/3, 2/3, 3/3): every count-th run starting at
 * index − 1, so shards are disjoint, cover the grid, and balance slow and fast configurations.
 * throws GridError for a shard outside 1 … count.
 */
export function shardRuns(runs: SweepRun[], index: number, count: number): SweepRun[] {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) throw new GridError(`invalid shard: ${index}/${count} (expected i/n with 1 ≤ i ≤ n)`);
  return runs.filter((r) => r.index % count === index - 1);
}

/** Parses "i/n". throws GridError naming the text. */
export function parseShard(text: string): {index: number; count: number} {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new GridError(`invalid shard: ${JSON.stringify(text)} (expected i/n, e.g. 2/8)`);
  const index = Number(m[1]),
    count = Number(m[2]);
  shardRuns([], index, count);
  return {index, count};
}

export interface CurvePoint {
  /** Training samples seen. */
  samples: number;
  epoch: number;
  /** Mean cross-entropy (nats) of the training samples since the previous point. */
  trainLoss: number;
  testLoss: number;
  /** Test accuracy in [0, 1]. */
  testAccuracy: number;
}

export interface SweepResult {
  index: number;
  key: string;
  config: {init: InitName; activation: ActivationName; lr: number};
  seed: number;
  /** Fingerprint of the final weights (SHA-256 prefix, as on every page and the CLI). */
  fingerprint: string;
  testAccuracy: number;
  testLoss: number;
  /** Mean training loss over the last curve window. */
  trainLoss: number;
  /** null, or where the run stopped: "diverged at step N: …". */
  diverged: string | null;
  /** Hidden units that output 0 on every test digit at the end. */
  deadUnits: number;
  hiddenUnits: number;
  steps: number;
  curve: CurvePoint[];
}

export interface SweepData {
  train: Samples;
  test: Samples;
}

/**
 * Trains one run of a grid on `data` (already the grid's first `train` / `test` samples) and
 * reports `onPoint` after each curve point. Pure apart from the callback: the same inputs give
 * the same result, bit for bit, in every JavaScript engine.
 */
export function runSweepRun(grid: SweepGrid, run: SweepRun, data: SweepData, onPoint?: (point: CurvePoint, fraction: number) => void): SweepResult {
  const {inputSize, classes} = DATASETS[grid.dataset];
  const network = new Network({layers: [inputSize, ...grid.hidden, classes], activation: run.activation, head: "softmax-cross-entropy", init: run.init, seed: run.seed});
  const trainer = new Trainer(network, data.train, {learningRate: run.lr, batchSize: grid.batch, optimizer: grid.optimizer, momentum: grid.optimizer === "momentum" ? grid.momentum : 0});
  const total = grid.epochs * data.train.count;
  const every = Math.max(1, Math.round(data.train.count / grid.pointsPerEpoch));
  const curve: CurvePoint[] = [];
  const point = () => {
    const {loss, accuracy} = evaluate(network, data.test);
    const p = {samples: trainer.samplesSeen, epoch: trainer.samplesSeen / data.train.count, trainLoss: trainer.takeLoss(), testLoss: loss, testAccuracy: accuracy};
    curve.push(p);
    onPoint?.(p, trainer.samplesSeen / total);
  };
  point();
  let next = every;
  while (trainer.samplesSeen < total && !trainer.diverged) {
    trainer.step();
    if (trainer.samplesSeen >= next || trainer.samplesSeen >= total) {
      if (!trainer.diverged) point();
      next = (Math.floor(trainer.samplesSeen / every) + 1) * every;
    }
  }
  const last = curve[curve.length - 1];
  const dead = deadUnits(network, data.test);
  return {
    index: run.index,
    key: run.key,
    config: {init: run.init, activation: run.activation, lr: run.lr},
    seed: run.seed,
    fingerprint: fingerprint(network.layers),
    testAccuracy: trainer.diverged ? NaN : last.testAccuracy,
    testLoss: trainer.diverged ? NaN : last.testLoss,
    trainLoss: trainer.diverged ? NaN : last.trainLoss,
    diverged: trainer.diverged ? `diverged at step ${trainer.diverged.step}: ${trainer.diverged.reason}` : null,
    deadUnits: dead.total,
    hiddenUnits: dead.units,
    steps: trainer.steps,
    curve,
  };
}

export interface SweepFile {
  format: typeof SWEEP_FORMAT;
  version: typeof SWEEP_VERSION;
  grid: SweepGrid;
  /** Which shard this file holds; null for the whole grid. */
  shard: {index: number; count: number} | null;
  runs: SweepResult[];
}

/** A results file that is not valid or does not fit; the message names the file and the fault. */
export class SweepFileError extends Error {
  override name = "SweepFileError";
}

// JSON has no NaN: a diverged run's figures are stored as null and read back as NaN.
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** The file as JSON text (NaN → null). */
export function sweepFileText(file: SweepFile): string {
  return JSON.stringify(file, (_key, value) => (typeof value === "number" ? finiteOrNull(value) : value));
}

/**
 * Reads and checks a results file (object or JSON text). throws SweepFileError naming `name`
 * and what is wrong: not JSON, wrong format or version, a bad grid, a run outside the grid or
 * its shard, a repeated run, a result missing a field.
 */
export function readSweepFile(input: unknown, name = "results"): SweepFile {
  let f = input;
  if (typeof input === "string") {
    try {
      f = JSON.parse(input);
    } catch (error) {
      throw new SweepFileError(`${name}: not JSON: ${(error as Error).message}`);
    }
  }
  const file = f as Partial<SweepFile>;
  if (!file || typeof file !== "object") throw new SweepFileError(`${name}: expected an object`);
  if (file.format !== SWEEP_FORMAT) throw new SweepFileError(`${name}: format ${JSON.stringify(file.format)}, expected ${JSON.stringify(SWEEP_FORMAT)}`);
  if (file.version !== SWEEP_VERSION) throw new SweepFileError(`${name}: version ${JSON.stringify(file.version)}, expected ${SWEEP_VERSION}`);
  let grid: SweepGrid;
  try {
    grid = validateGrid(file.grid);
  } catch (error) {
    throw new SweepFileError(`${name}: grid: ${(error as Error).message}`);
  }
  const shard = file.shard ?? null;
  if (shard !== null) parseShard(`${shard.index}/${shard.count}`);
  const expected = shard ? shardRuns(expandGrid(grid), shard.index, shard.count) : expandGrid(grid);
  if (!Array.isArray(file.runs)) throw new SweepFileError(`${name}: runs: expected a list`);
  const byIndex = new Map(expected.map((r) => [r.index, r]));
  const seen = new Set<number>();
  const runs = file.runs.map((r, i) => {
    const want = byIndex.get(r?.index);
    if (!want) throw new SweepFileError(`${name}: runs[${i}]: index ${show(r?.index)} is not a run of this ${shard ? `shard ${shard.index}/${shard.count}` : "grid"}`);
    if (seen.has(r.index)) throw new SweepFileError(`${name}: runs[${i}]: run ${r.index} appears twice`);
    seen.add(r.index);
    if (r.key !== want.key || r.seed !== want.seed) throw new SweepFileError(`${name}: runs[${i}]: run ${r.index} is ${want.key} seed ${want.seed}, the file says ${r.key} seed ${r.seed}`);
    for (const field of ["fingerprint", "curve", "deadUnits"] as const) if (r[field] === undefined) throw new SweepFileError(`${name}: runs[${i}]: missing ${field}`);
    const num = (x: unknown) => (typeof x === "number" ? x : NaN);
    return {
      ...r,
      testAccuracy: num(r.testAccuracy),
      testLoss: num(r.testLoss),
      trainLoss: num(r.trainLoss),
      curve: r.curve.map((p) => ({...p, trainLoss: num(p.trainLoss), testLoss: num(p.testLoss), testAccuracy: num(p.testAccuracy)})),
    };
  });
  return {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard, runs};
}

/**
 * Joins shard files of one grid into the whole grid's file, runs in expansion order.
 * throws SweepFileError when the grids differ, a shard appears twice, shards of different counts
 * are mixed, or runs are missing (`allowPartial` lets an incomplete merge through).
 */
export function mergeSweepFiles(files: {name: string; file: SweepFile}[], {allowPartial = false} = {}): SweepFile {
  if (files.length === 0) throw new SweepFileError("merge: no files");
  const grid = files[0].file.grid;
  const gridText = JSON.stringify(grid);
  const shards = new Set<string>();
  const runs = new Map<number, SweepResult>();
  for (const {name, file} of files) {
    if (JSON.stringify(file.grid) !== gridText) throw new SweepFileError(`merge: ${name} is a different grid from ${files[0].name}`);
    const shard = file.shard ? `${file.shard.index}/${file.shard.count}` : "whole";
    if (shards.has(shard)) throw new SweepFileError(`merge: ${name} repeats shard ${shard}`);
    shards.add(shard);
    for (const r of file.runs) {
      if (runs.has(r.index)) throw new SweepFileError(`merge: ${name} repeats run ${r.index} (${r.key} seed ${r.seed})`);
      runs.set(r.index, r);
    }
  }
  const counts = new Set([...shards].map((s) => s.split("/")[1] ?? "whole"));
  if (counts.size > 1) throw new SweepFileError(`merge: shards of different splits (${[...shards].join(", ")})`);
  const all = expandGrid(grid);
  const missing = all.filter((r) => !runs.has(r.index));
  if (missing.length && !allowPartial) throw new SweepFileError(`merge: ${missing.length} of ${all.length} runs missing (first: run ${missing[0].index}, ${missing[0].key} seed ${missing[0].seed})`);
  return {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard: null, runs: [...runs.values()].sort((a, b) => a.index - b.index)};
}

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = w·s_{t−1} + (1 − w)·x_t from
 * s_0 = 0, divided by 1 − w^t so the first points are not pulled towards 0. Non-finite values
 * pass through unchanged and do not enter the average. weight in [0, 1); 0 returns the values.
 */
export function emaSmooth(values: number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`invalid weight: ${weight} (expected a number in [0, 1))`);
  let last = 0,
    n = 0;
  return values.map((x) => {
    if (!Number.isFinite(x)) return x;
    last = last * weight + (1 - weight) * x;
    n++;
    return last / (1 - weight ** n);
  });
}

/** One row per run, for CSV and tables. */
export function resultRows(file: SweepFile) {
  return file.runs.map((r) => ({
    run: r.index,
    init: r.config.init,
    activation: r.config.activation,
    lr: r.config.lr,
    seed: r.seed,
    testAccuracy: r.testAccuracy,
    testLoss: r.testLoss,
    trainLoss: r.trainLoss,
    deadUnits: r.deadUnits,
    hiddenUnits: r.hiddenUnits,
    diverged: r.diverged ?? "",
    steps: r.steps,
    fingerprint: r.fingerprint,
  }));
}
