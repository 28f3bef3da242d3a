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
import {shorten} from "../experiments/params.js";
import {LEARNING_RATE_RANGE, MAX_EPOCHS, MAX_PARAMETERS, MOMENTUM_RANGE, parameterCount} from "../experiments/limits.js";

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
/** A value for a message: numbers as written, text quoted (a long text short: params.ts shorten), anything else as JSON. */
const show = (v: unknown) => (typeof v === "number" ? String(v) : typeof v === "string" ? `"${shorten(v)}"` : JSON.stringify(v));
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
  for (const key of Object.keys(input)) if (!(KEYS as string[]).includes(key)) throw new GridError(`unknown grid key: ${show(key)} (known: ${KEYS.join(", ")})`);
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
    epochs: integerIn("epochs", g.epochs, 1, MAX_EPOCHS),
    batch: integerIn("batch", g.batch, 1, 1000),
    optimizer: g.optimizer,
    momentum: g.momentum,
    pointsPerEpoch: integerIn("pointsPerEpoch", g.pointsPerEpoch, 1, 100),
  };
  if (!["sgd", "momentum", "adam"].includes(grid.optimizer)) throw new GridError(`invalid optimizer: ${show(grid.optimizer)} (expected sgd, momentum or adam)`);
  if (typeof grid.momentum !== "number" || !(grid.momentum >= MOMENTUM_RANGE[0] && grid.momentum <= MOMENTUM_RANGE[1]))
    throw new GridError(`invalid momentum: ${show(grid.momentum)} (expected a number from ${MOMENTUM_RANGE[0]} to ${MOMENTUM_RANGE[1]})`);
  // Only optimizer "momentum" reads μ: a μ beside sgd or adam would be ignored, so it is refused.
  if (grid.momentum !== 0 && grid.optimizer !== "momentum")
    throw new GridError(`invalid momentum: ${show(grid.momentum)} with optimizer ${grid.optimizer} (only optimizer momentum uses μ; set optimizer to momentum, or momentum to 0)`);
  const parameters = parameterCount([data.inputSize, ...grid.hidden, data.classes]);
  if (parameters > MAX_PARAMETERS)
    throw new GridError(
      `invalid hidden: ${grid.hidden.length > 6 ? `${grid.hidden.length} layers` : grid.hidden.join(", ")} make ${parameters.toLocaleString("en")} weights and biases (at most ${MAX_PARAMETERS.toLocaleString("en")}, as for train)`,
    );
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
  if (!m) throw new GridError(`invalid shard: ${show(text)} (expected i/n, e.g. 2/8)`);
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
 * reports `onPoint` after each curve point and `onStep` after each update (a worker's heartbeat). Pure apart from the callbacks: the same inputs give
 * the same result, bit for bit, in every JavaScript engine.
 */
export function runSweepRun(grid: SweepGrid, run: SweepRun, data: SweepData, onPoint?: (point: CurvePoint, fraction: number) => void, onStep?: () => void): SweepResult {
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
    onStep?.();
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

/** A run that did not finish: its thread threw, or died twice. */
export interface SweepFailure {
  index: number;
  key: string;
  seed: number;
  error: string;
}

export interface SweepFile {
  format: typeof SWEEP_FORMAT;
  version: typeof SWEEP_VERSION;
  grid: SweepGrid;
  /** Which shard this file holds; null for the whole grid. */
  shard: {index: number; count: number} | null;
  runs: SweepResult[];
  /** Runs that failed, with the error (present only when some did). They are not in `runs`. */
  failed?: SweepFailure[];
  /** A partial merge: the indices of the runs it lacks (present only then). A later merge with the missing shard completes it. */
  missing?: number[];
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

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);

/**
 * Checks one result against the run of the grid it claims to be (`want`), field by field, and
 * returns it with null figures read back as NaN. throws SweepFileError naming `where` (the file
 * and the run) and the field: a figure out of range (an accuracy of 7.5), a fingerprint that is
 * not hex text, a configuration that contradicts the run's key, a curve that is not a list.
 */
export function checkResult(input: unknown, want: SweepRun, where: string): SweepResult {
  const fail = (what: string): never => {
    throw new SweepFileError(`${where}: run ${want.index} (${want.key} seed ${want.seed}): ${what}`);
  };
  if (!isObject(input)) return fail("expected an object");
  const r = input as Record<string, unknown>;
  for (const field of ["fingerprint", "curve", "deadUnits"]) if (r[field] === undefined) fail(`missing ${field}`);
  if (r.key !== want.key || r.seed !== want.seed) fail(`the file says ${show(r.key)} seed ${show(r.seed)}`);
  const c = r.config;
  if (!isObject(c) || c.init !== want.init || c.activation !== want.activation || c.lr !== want.lr)
    fail(`config ${show(c)} contradicts its key (expected init ${want.init}, activation ${want.activation}, η ${want.lr})`);
  if (typeof r.fingerprint !== "string" || !/^[0-9a-f]{8,64}$/.test(r.fingerprint)) fail(`fingerprint ${show(r.fingerprint)} is not a hexadecimal text`);
  const figure = (name: string, x: unknown, lo: number, hi: number): number => {
    if (x === null) return NaN;
    if (typeof x !== "number" || !(x >= lo && x <= hi)) return fail(`${name} ${show(x)} is not a number from ${lo} to ${hi}`);
    return x;
  };
  const count = (name: string, x: unknown) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0) fail(`${name} ${show(x)} is not a whole number ≥ 0`);
    return x as number;
  };
  if (r.diverged !== null && typeof r.diverged !== "string") fail(`diverged ${show(r.diverged)} is neither null nor a message`);
  if (!Array.isArray(r.curve)) return fail(`curve ${show(r.curve)} is not a list`);
  const curve = r.curve.map((p: unknown, k: number) => {
    if (!isObject(p)) return fail(`curve[${k}] is not an object`);
    return {
      ...p,
      samples: count(`curve[${k}].samples`, p.samples),
      epoch: figure(`curve[${k}].epoch`, p.epoch, 0, Infinity),
      trainLoss: figure(`curve[${k}].trainLoss`, p.trainLoss, 0, Infinity),
      testLoss: figure(`curve[${k}].testLoss`, p.testLoss, 0, Infinity),
      testAccuracy: figure(`curve[${k}].testAccuracy`, p.testAccuracy, 0, 1),
    } as CurvePoint;
  });
  return {
    ...(r as unknown as SweepResult),
    testAccuracy: figure("testAccuracy", r.testAccuracy, 0, 1),
    testLoss: figure("testLoss", r.testLoss, 0, Infinity),
    trainLoss: figure("trainLoss", r.trainLoss, 0, Infinity),
    deadUnits: count("deadUnits", r.deadUnits),
    hiddenUnits: count("hiddenUnits", r.hiddenUnits),
    steps: count("steps", r.steps),
    curve,
  };
}

/** Checks a file's `failed` list against its expected runs. */
function checkFailures(input: unknown, byIndex: Map<number, SweepRun>, name: string): SweepFailure[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw new SweepFileError(`${name}: failed: expected a list`);
  return input.map((f: unknown, i) => {
    const want = isObject(f) ? byIndex.get(f.index as number) : undefined;
    if (!isObject(f) || !want || f.key !== want.key || f.seed !== want.seed || typeof f.error !== "string")
      throw new SweepFileError(`${name}: failed[${i}]: ${show(f)} is not a failed run of this grid ({index, key, seed, error})`);
    return {index: want.index, key: want.key, seed: want.seed, error: f.error};
  });
}

/** The shard field of a file or journal; throws SweepFileError naming `name`. */
function checkShard(input: unknown, name: string): {index: number; count: number} | null {
  if (input === null || input === undefined) return null;
  if (!isObject(input) || !Number.isInteger(input.index) || !Number.isInteger(input.count)) throw new SweepFileError(`${name}: shard ${show(input)} is not {index, count} (whole numbers)`);
  try {
    shardRuns([], input.index as number, input.count as number);
  } catch (error) {
    throw new SweepFileError(`${name}: ${(error as Error).message}`);
  }
  return {index: input.index as number, count: input.count as number};
}

/**
 * Reads and checks a results file (object or JSON text). throws SweepFileError naming `name`
 * and what is wrong: not JSON, wrong format or version, a bad grid, a run outside the grid or
 * its shard, a repeated run, a result that breaks the schema (checkResult).
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
  const shard = checkShard(file.shard, name);
  const expected = shard ? shardRuns(expandGrid(grid), shard.index, shard.count) : expandGrid(grid);
  if (!Array.isArray(file.runs)) throw new SweepFileError(`${name}: runs: expected a list`);
  const byIndex = new Map(expected.map((r) => [r.index, r]));
  const seen = new Set<number>();
  const runs = (file.runs as unknown[]).map((r, i) => {
    const index = isObject(r) ? r.index : undefined;
    const want = byIndex.get(index as number);
    if (!want) throw new SweepFileError(`${name}: runs[${i}]: index ${show(index)} is not a run of this ${shard ? `shard ${shard.index}/${shard.count}` : "grid"}`);
    if (seen.has(want.index)) throw new SweepFileError(`${name}: runs[${i}]: run ${want.index} appears twice`);
    seen.add(want.index);
    return checkResult(r, want, `${name}: runs[${i}]`);
  });
  const out: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard, runs};
  const failed = checkFailures(file.failed, byIndex, name);
  if (failed.length) out.failed = failed;
  if (file.missing !== undefined) {
    if (!Array.isArray(file.missing) || file.missing.some((i) => !byIndex.has(i) || seen.has(i)))
      throw new SweepFileError(`${name}: missing: ${show(file.missing)} is not a list of this grid's absent runs`);
    if (file.missing.length) out.missing = file.missing;
  }
  return out;
}

/**
 * Joins shard files of one grid into the whole grid's file, runs in expansion order. A partial
 * file (an earlier `merge --partial`) joins like a shard: its runs count, its gaps may be filled
 * by the missing shards. throws SweepFileError when the grids differ, a shard or a run appears
 * twice, shards of different counts are mixed, or runs are missing (`allowPartial` lets an
 * incomplete merge through, marked with `missing`: the runs it lacks).
 */
export function mergeSweepFiles(files: {name: string; file: SweepFile}[], {allowPartial = false} = {}): SweepFile {
  if (files.length === 0) throw new SweepFileError("merge: no files");
  const grid = files[0].file.grid;
  const gridText = JSON.stringify(grid);
  const shards = new Set<string>();
  const runs = new Map<number, SweepResult>();
  const failed = new Map<number, SweepFailure>();
  for (const {name, file} of files) {
    if (JSON.stringify(file.grid) !== gridText) throw new SweepFileError(`merge: ${name} is a different grid from ${files[0].name}`);
    // A partial merge is a whole-grid file with gaps: it does not take a shard's place.
    if (!file.missing) {
      const shard = file.shard ? `${file.shard.index}/${file.shard.count}` : "whole";
      if (shards.has(shard)) throw new SweepFileError(`merge: ${name} repeats shard ${shard}`);
      shards.add(shard);
    }
    for (const r of file.runs) {
      if (runs.has(r.index)) throw new SweepFileError(`merge: ${name} repeats run ${r.index} (${r.key} seed ${r.seed})`);
      runs.set(r.index, r);
      failed.delete(r.index);
    }
    for (const f of file.failed ?? []) if (!runs.has(f.index)) failed.set(f.index, f);
  }
  const counts = new Set([...shards].map((s) => s.split("/")[1] ?? "whole"));
  if (counts.size > 1) throw new SweepFileError(`merge: shards of different splits (${[...shards].join(", ")})`);
  const all = expandGrid(grid);
  const missing = all.filter((r) => !runs.has(r.index));
  if (missing.length && !allowPartial)
    throw new SweepFileError(
      `merge: ${missing.length} of ${all.length} runs missing (first: run ${missing[0].index}, ${missing[0].key} seed ${missing[0].seed}); --partial writes what there is, marked partial`,
    );
  const out: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard: null, runs: [...runs.values()].sort((a, b) => a.index - b.index)};
  if (failed.size) out.failed = [...failed.values()].sort((a, b) => a.index - b.index);
  if (missing.length) out.missing = missing.map((r) => r.index);
  return out;
}

export const JOURNAL_FORMAT = "digit-workbook/sweep-journal";

/** A journal's first line: which grid and shard its runs belong to. */
export function journalHeader(grid: SweepGrid, shard: {index: number; count: number} | null): string {
  return JSON.stringify({format: JOURNAL_FORMAT, version: SWEEP_VERSION, grid, shard}) + "\n";
}

/** One journal line: a finished run, or a failed one. */
export function journalLine(entry: {result: SweepResult} | {failed: SweepFailure}): string {
  return JSON.stringify(entry, (_key, value) => (typeof value === "number" ? finiteOrNull(value) : value)) + "\n";
}

/**
 * Reads a journal (JSON lines: a header, then one line per finished or failed run, in completion
 * order). A last line without its newline is a write that a kill cut short and is dropped; any
 * other bad line throws SweepFileError naming the file and the line. A run finished after it
 * failed counts as finished.
 */
export function readJournal(text: string, name: string): {grid: SweepGrid; shard: {index: number; count: number} | null; runs: SweepResult[]; failed: SweepFailure[]} {
  const lines = text.split("\n");
  // What follows the last newline is nothing, or a line that a kill cut short.
  const complete = lines.slice(0, -1);
  if (complete.length === 0) throw new SweepFileError(`${name}: empty journal`);
  const parse = (line: string, n: number) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new SweepFileError(`${name}: line ${n}: not JSON: ${(error as Error).message}`);
    }
  };
  const head = parse(complete[0], 1);
  if (head.format !== JOURNAL_FORMAT || head.version !== SWEEP_VERSION) throw new SweepFileError(`${name}: line 1: not a ${JOURNAL_FORMAT} version ${SWEEP_VERSION} header`);
  let grid: SweepGrid;
  try {
    grid = validateGrid(head.grid);
  } catch (error) {
    throw new SweepFileError(`${name}: grid: ${(error as Error).message}`);
  }
  const shard = checkShard(head.shard, name);
  const expected = shard ? shardRuns(expandGrid(grid), shard.index, shard.count) : expandGrid(grid);
  const byIndex = new Map(expected.map((r) => [r.index, r]));
  const runs = new Map<number, SweepResult>();
  const failed = new Map<number, SweepFailure>();
  complete.slice(1).forEach((line, k) => {
    const n = k + 2;
    const entry = parse(line, n);
    if (isObject(entry.result)) {
      const want = byIndex.get(entry.result.index as number);
      if (!want) throw new SweepFileError(`${name}: line ${n}: index ${show(entry.result.index)} is not a run of this ${shard ? "shard" : "grid"}`);
      runs.set(want.index, checkResult(entry.result, want, `${name}: line ${n}`));
      failed.delete(want.index);
    } else if (isObject(entry.failed)) {
      const [f] = checkFailures([entry.failed], byIndex, `${name}: line ${n}`);
      if (!runs.has(f.index)) failed.set(f.index, f);
    } else throw new SweepFileError(`${name}: line ${n}: expected {result} or {failed}`);
  });
  return {grid, shard, runs: [...runs.values()], failed: [...failed.values()]};
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
