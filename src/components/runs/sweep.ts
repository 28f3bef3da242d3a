/**
 * Hyperparameter sweeps, shared by the Compare page, its build-time report, the `npm run sweep`
 * CLI, worker threads and the tests: a grid (one list per hyperparameter of runs/space.ts AXES,
 * seeds, one dataset and architecture), the search that picks its runs (runs/search.ts: the full
 * grid, a seeded random search or successive halving in stages), deterministic shards, one run's
 * training, merging shard files, the results schema, EMA smoothing and CSV.
 *
 * One function trains a run (`runSweepRun`), so a run has the same fingerprint in the browser's
 * workers, Node's worker threads and the data loader.
 */
import {deadUnits, evaluate, fingerprint, Network, Trainer, type Samples} from "../nn/index.js";
import {shorten} from "../experiments/params.js";
import {MAX_EPOCHS, MAX_PARAMETERS, MOMENTUM_RANGE, parameterCount} from "../experiments/limits.js";
import {AXES, axis, axisProblem, configKey, type AxisName, type GridAxes, type RunConfig} from "./space.js";
import {drawTrials, GRID_SEARCH, promote, rungBudget, stageCount, trialScore, validateSearch, type SearchSpec} from "./search.js";

export const SWEEP_FORMAT = "digit-workbook/sweep";
/** 2: every AXES hyperparameter, trials, rungs and searches (version 1 files, grids of init × activation × η, are still read). */
export const SWEEP_VERSION = 2;
/** Most runs one grid (or one stage of a search) may expand to. */
export const MAX_RUNS = 500;
/** The data a grid can use: the MNIST page's class-balanced subsets (30,000 training, 1,000 test digits). */
export const DATASETS = {mnist: {train: 30_000, test: 1_000, inputSize: 784, classes: 10}} as const;
export type DatasetName = keyof typeof DATASETS;

export interface SweepGrid extends GridAxes {
  /** "mnist": the first `train` images of the MNIST page's training subset and the first `test` of its test subset. */
  dataset: DatasetName;
  train: number;
  test: number;
  /** Hidden layer sizes, e.g. [16, 16] for 784 → 16 → 16 → 10. */
  hidden: number[];
  /** Replicates: seeds 1 … seeds (each seed fixes the initial weights, the sample order and the dropout masks). */
  seeds: number;
  epochs: number;
  /** Minibatch size B. */
  batch: number;
  /** Classical momentum μ, for the runs whose optimiser is "momentum". */
  momentum: number;
  /** Nesterov's momentum for those runs. */
  nesterov: boolean;
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
  optimizers: ["sgd"],
  weightDecays: [0],
  dropouts: [0],
  schedules: ["constant"],
  warmups: [0],
  seeds: 1,
  epochs: 1,
  batch: 16,
  momentum: 0,
  nesterov: false,
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
  optimizers: ["momentum"],
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
 * A version 1 grid's `optimizer: name` reads as `optimizers: [name]`. throws GridError naming the
 * field: an unknown key, an empty or repeated axis, a value its axis does not accept (η outside
 * LEARNING_RATE_RANGE, dropout ≥ 1, an unknown schedule …), sizes out of range, μ or Nesterov
 * with no momentum optimiser, or more than MAX_RUNS runs.
 */
export function validateGrid(input: unknown): SweepGrid {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new GridError("invalid grid: expected an object");
  const given = {...(input as Record<string, unknown>)};
  if ("optimizer" in given && !("optimizers" in given)) {
    given.optimizers = [given.optimizer];
    delete given.optimizer;
  }
  for (const key of Object.keys(given)) if (!(KEYS as string[]).includes(key)) throw new GridError(`unknown grid key: ${show(key)} (known: ${KEYS.join(", ")})`);
  const g = {...DEFAULT_GRID, ...(given as Partial<SweepGrid>)};
  if (!(g.dataset in DATASETS)) throw new GridError(`invalid dataset: ${show(g.dataset)} (expected one of ${Object.keys(DATASETS).join(", ")})`);
  const data = DATASETS[g.dataset];
  const axes = {} as Record<string, unknown[]>;
  for (const a of AXES) {
    axes[a.gridKey] = list(a.gridKey, g[a.gridKey], (x) => {
      const problem = axisProblem(a, x);
      if (problem) throw new GridError(`invalid ${a.gridKey}: ${show(x)} (${a.label}: ${problem})`);
      return x;
    });
  }
  const grid = {
    dataset: g.dataset,
    train: integerIn("train", g.train, 10, data.train),
    test: integerIn("test", g.test, 10, data.test),
    hidden: list("hidden", g.hidden, (n, i) => integerIn(`hidden[${i}]`, n, 1, 512), false),
    ...axes,
    seeds: integerIn("seeds", g.seeds, 1, 20),
    epochs: integerIn("epochs", g.epochs, 1, MAX_EPOCHS),
    batch: integerIn("batch", g.batch, 1, 1000),
    momentum: g.momentum,
    nesterov: g.nesterov,
    pointsPerEpoch: integerIn("pointsPerEpoch", g.pointsPerEpoch, 1, 100),
  } as SweepGrid;
  if (typeof grid.momentum !== "number" || !(grid.momentum >= MOMENTUM_RANGE[0] && grid.momentum <= MOMENTUM_RANGE[1]))
    throw new GridError(`invalid momentum: ${show(grid.momentum)} (expected a number from ${MOMENTUM_RANGE[0]} to ${MOMENTUM_RANGE[1]})`);
  if (typeof grid.nesterov !== "boolean") throw new GridError(`invalid nesterov: ${show(grid.nesterov)} (expected true or false)`);
  // Only optimiser "momentum" reads μ and Nesterov: set beside sgd or adam alone they would be ignored, so they are refused.
  const usesMomentum = grid.optimizers.includes("momentum");
  if (grid.momentum !== 0 && !usesMomentum)
    throw new GridError(
      `invalid momentum: ${show(grid.momentum)} with optimizers ${grid.optimizers.join(", ")} (only optimizer momentum uses μ; add momentum to the optimizers, or set momentum to 0)`,
    );
  if (grid.nesterov && !(usesMomentum && grid.momentum > 0)) throw new GridError("invalid nesterov: true needs optimizer momentum with a momentum μ > 0");
  const parameters = parameterCount([data.inputSize, ...grid.hidden, data.classes]);
  if (parameters > MAX_PARAMETERS)
    throw new GridError(
      `invalid hidden: ${grid.hidden.length > 6 ? `${grid.hidden.length} layers` : grid.hidden.join(", ")} make ${parameters.toLocaleString("en")} weights and biases (at most ${MAX_PARAMETERS.toLocaleString("en")}, as for train)`,
    );
  const runs = runCount(grid);
  if (runs > MAX_RUNS) throw new GridError(`too many runs: ${runs} (${AXES.map((a) => a.gridKey).join(" × ")} × seeds; at most ${MAX_RUNS})`);
  return grid;
}

/**
 * Checks that a random or successive-halving search fits the grid's limits: trials × seeds runs
 * per stage, at most MAX_RUNS (a grid search is checked by validateGrid). throws GridError.
 */
export function checkSearchSize(grid: SweepGrid, search: SearchSpec): void {
  if (search.kind === "grid") return;
  const runs = search.trials * grid.seeds;
  if (runs > MAX_RUNS) throw new GridError(`too many runs: ${search.trials} trials × ${grid.seeds} seeds = ${runs} (at most ${MAX_RUNS} per stage)`);
}

/** Runs of the full grid: the product of its lists' lengths × seeds. */
export const runCount = (g: SweepGrid) => AXES.reduce((n, a) => n * (g[a.gridKey] as unknown[]).length, 1) * g.seeds;

/** One run of a search: its place, its trial, its rung and budget, its configuration and its seed. */
export interface SweepRun {
  /** (rung × trials + trial) × seeds + seed − 1: unique in a search, and the grid expansion's position for a grid. */
  index: number;
  /** Identifies the configuration across seeds (space.ts configKey), e.g. "he-normal|relu|0.01". */
  key: string;
  /** The configuration's number: its place in the grid's expansion, or the draw that made it. */
  trial: number;
  /** Successive halving's rung (0-based); 0 for a grid or a random search. */
  rung: number;
  /** Training samples this run trains on: epochs × train, or its rung's share of it. */
  budget: number;
  config: RunConfig;
  seed: number;
}

/** The configurations a search tries, in trial order: the grid's product (AXES order, the first slowest), or the random draws. */
export function trialConfigs(grid: SweepGrid, search: SearchSpec = GRID_SEARCH): RunConfig[] {
  if (search.kind !== "grid") return drawTrials(grid, search);
  let configs: Partial<RunConfig>[] = [{}];
  for (const a of AXES) configs = configs.flatMap((c) => (grid[a.gridKey] as unknown[]).map((v) => ({...c, [a.name]: v})));
  return configs as RunConfig[];
}

/** Samples in a whole run: epochs × train. */
export const totalSamples = (grid: SweepGrid) => grid.epochs * grid.train;
/** Updates in a whole run, the schedules' horizon: epochs × ⌈train / batch⌉ (the last minibatch of an epoch may be smaller). */
export const totalSteps = (grid: SweepGrid) => grid.epochs * Math.ceil(grid.train / Math.min(grid.batch, grid.train));

/** Whether an axis varies in a search: its grid list has more than one value, or the search draws it from a range. */
export const varies = (grid: SweepGrid, search: SearchSpec) => (name: AxisName) => grid[axis(name).gridKey].length > 1 || (search.kind !== "grid" && search.ranges[name] !== undefined);

function makeRun(grid: SweepGrid, search: SearchSpec, trials: number, trial: number, config: RunConfig, seed: number, rung: number): SweepRun {
  return {index: (rung * trials + trial) * grid.seeds + seed - 1, key: configKey(config, varies(grid, search)), trial, rung, budget: rungBudget(search, rung, totalSamples(grid)), config, seed};
}

/** Every run of a grid, in a fixed order: AXES order (init slowest), then seed (innermost). */
export function expandGrid(grid: SweepGrid): SweepRun[] {
  return planStage(grid, GRID_SEARCH, 1, []);
}

/**
 * The runs of stage `stage` (1-based) of a search, given the results of its earlier stages
 * (runs of lower rungs; others are ignored). A grid or random search has one stage. For
 * successive halving, stage s trains rung s − 1: the trials of bracket s − 1 (which start
 * there) and the trials promoted from rung s − 2 (search.ts promote). The caller makes sure the
 * earlier stages are complete (stageRuns does).
 */
export function planStage(grid: SweepGrid, search: SearchSpec, stage: number, earlier: readonly SweepResult[], configs = trialConfigs(grid, search)): SweepRun[] {
  const rung = stage - 1;
  const runsOf = (trials: number[]) => trials.flatMap((t) => Array.from({length: grid.seeds}, (_, s) => makeRun(grid, search, configs.length, t, configs[t], s + 1, rung)));
  if (search.kind !== "asha") return runsOf(configs.map((_, t) => t));
  const starting = rung < search.brackets ? configs.map((_, t) => t).filter((t) => t % search.brackets === rung) : [];
  let promoted: number[] = [];
  if (rung > 0) {
    const byTrial = new Map<number, SweepResult[]>();
    for (const r of earlier) if (r.rung === rung - 1) byTrial.set(r.trial, [...(byTrial.get(r.trial) ?? []), r]);
    promoted = promote(new Map([...byTrial].map(([t, rs]) => [t, trialScore(rs)])), search.reduction, search.brackets);
  }
  return runsOf([...new Set([...starting, ...promoted])].sort((a, b) => a - b));
}

/**
 * The expected runs of stages 1 … `stage` of a search whose results so far are `results`: each
 * stage planned from the results of the ones before. throws SweepFileError (naming `name`) when an
 * earlier stage is not complete in `results`.
 */
export function stageRuns(grid: SweepGrid, search: SearchSpec, stage: number, results: readonly SweepResult[], name: string): SweepRun[][] {
  const configs = trialConfigs(grid, search);
  const have = new Set(results.map((r) => r.index));
  const out: SweepRun[][] = [];
  for (let s = 1; s <= stage; s++) {
    const runs = planStage(grid, search, s, results, configs);
    if (s < stage) {
      const lacking = runs.filter((r) => !have.has(r.index));
      if (lacking.length)
        throw new SweepFileError(
          `${name}: stage ${s} is incomplete (${lacking.length} of ${runs.length} runs missing, first: run ${lacking[0].index}); merge its missing shards before stage ${s + 1}`,
        );
    }
    out.push(runs);
  }
  return out;
}

/**
 * The runs of shard `index` of `count` (1-based: 1/3, 2/3, 3/3): every count-th run of the list
 * starting at position index − 1, so shards are disjoint, cover the list, and balance slow and
 * fast configurations. throws GridError for a shard outside 1 … count.
 */
export function shardRuns(runs: SweepRun[], index: number, count: number): SweepRun[] {
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) throw new GridError(`invalid shard: ${index}/${count} (expected i/n with 1 ≤ i ≤ n)`);
  return runs.filter((_, position) => position % count === index - 1);
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
  trial: number;
  rung: number;
  /** Training samples the run was given (its rung's budget). */
  budget: number;
  config: RunConfig;
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

/** The training options of a run of a grid (the module's Trainer options). */
export function runTraining(grid: SweepGrid, config: RunConfig) {
  const momentum = config.optimizer === "momentum";
  return {
    learningRate: config.lr,
    batchSize: grid.batch,
    optimizer: config.optimizer,
    momentum: momentum ? grid.momentum : 0,
    nesterov: momentum && grid.nesterov,
    weightDecay: config.weightDecay,
    dropout: config.dropout,
    schedule: config.schedule,
    warmup: config.warmup,
    totalSteps: totalSteps(grid),
  };
}

/**
 * Trains one run of a search on `data` (already the grid's first `train` / `test` samples) for
 * its budget, and reports `onPoint` after each curve point and `onStep` after each update (a
 * worker's heartbeat). Pure apart from the callbacks: the same inputs give the same result, bit
 * for bit, in every JavaScript engine. A run at a low rung is the start of the same run at a
 * higher one (the schedule's horizon is the whole budget).
 */
export function runSweepRun(grid: SweepGrid, run: SweepRun, data: SweepData, onPoint?: (point: CurvePoint, fraction: number) => void, onStep?: () => void): SweepResult {
  const {inputSize, classes} = DATASETS[grid.dataset];
  const {config} = run;
  const network = new Network({layers: [inputSize, ...grid.hidden, classes], activation: config.activation, head: "softmax-cross-entropy", init: config.init, seed: run.seed});
  const trainer = new Trainer(network, data.train, runTraining(grid, config));
  const total = run.budget;
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
    trial: run.trial,
    rung: run.rung,
    budget: run.budget,
    config: {...config},
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
  /** How the runs were chosen (runs/search.ts). */
  search: SearchSpec;
  /** A search run in stages: the last stage this file holds (it holds every earlier stage whole); null for a grid or random search. */
  stage: number | null;
  /** Which shard of its (last) stage this file holds; null for all of it. */
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

const describe = (r: {key: string; seed: number}) => `${r.key} seed ${r.seed}`;

/**
 * Checks one result against the run of the search it claims to be (`want`), field by field, and
 * returns it with null figures read back as NaN. throws SweepFileError naming `where` (the file
 * and the run) and the field: a figure out of range (an accuracy of 7.5), a fingerprint that is
 * not hex text, a configuration that contradicts the run's key, a curve that is not a list.
 * A version 1 result (no trial, rung, budget, and a configuration of init, activation and η only)
 * is read with the values of `want`, which a version 1 grid fixes.
 */
export function checkResult(input: unknown, want: SweepRun, where: string, version: number = SWEEP_VERSION): SweepResult {
  const fail = (what: string): never => {
    throw new SweepFileError(`${where}: run ${want.index} (${describe(want)}): ${what}`);
  };
  if (!isObject(input)) return fail("expected an object");
  const r = {...(input as Record<string, unknown>)};
  if (version === 1) {
    const c = want.config;
    Object.assign(r, {trial: want.trial, rung: want.rung, budget: want.budget, config: isObject(r.config) ? {...c, ...r.config} : r.config});
  }
  for (const field of ["fingerprint", "curve", "deadUnits"]) if (r[field] === undefined) fail(`missing ${field}`);
  if (r.key !== want.key || r.seed !== want.seed) fail(`the file says ${show(r.key)} seed ${show(r.seed)}`);
  if (r.trial !== want.trial || r.rung !== want.rung || r.budget !== want.budget)
    fail(`trial ${show(r.trial)}, rung ${show(r.rung)}, budget ${show(r.budget)} (expected trial ${want.trial}, rung ${want.rung}, budget ${want.budget})`);
  const c = r.config;
  if (!isObject(c) || AXES.some((a) => c[a.name] !== want.config[a.name])) fail(`config ${show(c)} contradicts its key (expected ${AXES.map((a) => `${a.name} ${want.config[a.name]}`).join(", ")})`);
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
    config: {...want.config},
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
      throw new SweepFileError(`${name}: failed[${i}]: ${show(f)} is not a failed run of this search ({index, key, seed, error})`);
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

/** The grid, search and stage of a file or journal header, checked; throws SweepFileError naming `name`. */
function checkHeader(file: Record<string, unknown>, name: string): {grid: SweepGrid; search: SearchSpec; stage: number | null; shard: {index: number; count: number} | null} {
  let grid: SweepGrid;
  try {
    grid = validateGrid(file.grid);
  } catch (error) {
    throw new SweepFileError(`${name}: grid: ${(error as Error).message}`);
  }
  let search: SearchSpec;
  try {
    search = validateSearch(file.search);
  } catch (error) {
    throw new SweepFileError(`${name}: search: ${(error as Error).message}`);
  }
  const stages = stageCount(search);
  const stage = file.stage ?? null;
  if (search.kind === "asha" ? !(Number.isInteger(stage) && (stage as number) >= 1 && (stage as number) <= stages) : stage !== null)
    throw new SweepFileError(`${name}: stage ${show(stage)} (expected ${search.kind === "asha" ? `a whole number from 1 to ${stages}` : "null: a " + search.kind + " search has one stage"})`);
  return {grid, search, stage: stage as number | null, shard: checkShard(file.shard, name)};
}

/** Runs of a file's stages: the earlier ones (whole) and the last one (its shard only), planned from `results`. */
function expectedRuns(h: ReturnType<typeof checkHeader>, results: readonly SweepResult[], name: string): {earlier: SweepRun[]; last: SweepRun[]} {
  const stages = stageRuns(h.grid, h.search, h.stage ?? 1, results, name);
  const last = stages[stages.length - 1];
  return {earlier: stages.slice(0, -1).flat(), last: h.shard ? shardRuns(last, h.shard.index, h.shard.count) : last};
}

/**
 * Reads and checks a results file (object or JSON text). throws SweepFileError naming `name`
 * and what is wrong: not JSON, wrong format or version, a bad grid or search, an earlier stage
 * that is not whole, a run outside the search, its stage or its shard, a repeated run, a result
 * that breaks the schema (checkResult).
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
  if (!isObject(f)) throw new SweepFileError(`${name}: expected an object`);
  if (f.format !== SWEEP_FORMAT) throw new SweepFileError(`${name}: format ${JSON.stringify(f.format)}, expected ${JSON.stringify(SWEEP_FORMAT)}`);
  if (f.version !== SWEEP_VERSION && f.version !== 1) throw new SweepFileError(`${name}: version ${JSON.stringify(f.version)}, expected ${SWEEP_VERSION} (or 1)`);
  const version = f.version as number;
  const header = checkHeader(f, name);
  if (!Array.isArray(f.runs)) throw new SweepFileError(`${name}: runs: expected a list`);
  // Earlier stages first: they decide which runs the last stage has. A grid or random search has none.
  const raw = f.runs as unknown[];
  const rungOf = (r: unknown) => (isObject(r) && typeof r.rung === "number" ? r.rung : 0);
  const lastRung = (header.stage ?? 1) - 1;
  const earlierRaw = raw.filter((r) => rungOf(r) < lastRung);
  const provisional = earlierRaw.filter(isObject) as unknown as SweepResult[];
  const {earlier, last} = expectedRuns(header, provisional, name);
  const byIndex = new Map([...earlier, ...last].map((r) => [r.index, r]));
  const seen = new Set<number>();
  const runs = raw.map((r, i) => {
    const index = isObject(r) ? r.index : undefined;
    const want = byIndex.get(index as number);
    const where = header.shard ? `shard ${header.shard.index}/${header.shard.count}` : header.stage ? `stage ${header.stage}` : "search";
    if (!want) throw new SweepFileError(`${name}: runs[${i}]: index ${show(index)} is not a run of this ${where}`);
    if (seen.has(want.index)) throw new SweepFileError(`${name}: runs[${i}]: run ${want.index} appears twice`);
    seen.add(want.index);
    return checkResult(r, want, `${name}: runs[${i}]`, version);
  });
  const out: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid: header.grid, search: header.search, stage: header.stage, shard: header.shard, runs};
  const failed = checkFailures(f.failed, byIndex, name);
  if (failed.length) out.failed = failed;
  if (f.missing !== undefined) {
    const lastIndex = new Set(last.map((r) => r.index));
    if (!Array.isArray(f.missing) || f.missing.some((i) => !lastIndex.has(i) || seen.has(i)))
      throw new SweepFileError(`${name}: missing: ${show(f.missing)} is not a list of this search's absent runs`);
    if (f.missing.length) out.missing = f.missing;
  }
  return out;
}

const sameSearch = (a: SweepFile, b: SweepFile) => JSON.stringify([a.grid, a.search]) === JSON.stringify([b.grid, b.search]);

/**
 * Joins shard files of one search's stage into that stage's whole file, runs in order. A partial
 * file (an earlier `merge --partial`) joins like a shard: its runs count, its gaps may be filled
 * by the missing shards. throws SweepFileError when the grids or searches differ, files hold
 * different stages, their earlier stages differ (parts of another search's lineage), a shard or a
 * run appears twice, shards of different counts are mixed, or runs are missing, naming the
 * missing shards (`allowPartial` lets an incomplete merge through, marked with `missing`).
 */
export function mergeSweepFiles(files: {name: string; file: SweepFile}[], {allowPartial = false} = {}): SweepFile {
  if (files.length === 0) throw new SweepFileError("merge: no files");
  const first = files[0];
  const {grid, search, stage} = first.file;
  const lastRung = (stage ?? 1) - 1;
  const lineage = (file: SweepFile) => JSON.stringify(file.runs.filter((r) => r.rung < lastRung).map((r) => [r.index, r.fingerprint]));
  const shards = new Set<string>();
  const runs = new Map<number, SweepResult>();
  const failed = new Map<number, SweepFailure>();
  for (const {name, file} of files) {
    if (!sameSearch(file, first.file)) throw new SweepFileError(`merge: ${name} is a different ${JSON.stringify(file.grid) === JSON.stringify(grid) ? "search" : "grid"} from ${first.name}`);
    if (file.stage !== stage) throw new SweepFileError(`merge: ${name} holds stage ${file.stage} and ${first.name} stage ${stage}: merge one stage's parts at a time, in order`);
    if (lineage(file) !== lineage(first.file))
      throw new SweepFileError(`merge: ${name} was built on other results of stages before ${stage} than ${first.name} (a stage from another run of the search)`);
    // A partial merge is a whole-stage file with gaps: it does not take a shard's place.
    if (!file.missing) {
      const shard = file.shard ? `${file.shard.index}/${file.shard.count}` : "whole";
      if (shards.has(shard)) throw new SweepFileError(`merge: ${name} repeats shard ${shard}`);
      shards.add(shard);
    }
    for (const r of file.runs) {
      if (r.rung < lastRung) {
        runs.set(r.index, r);
        continue;
      }
      if (runs.has(r.index)) throw new SweepFileError(`merge: ${name} repeats run ${r.index} (${describe(r)})`);
      runs.set(r.index, r);
      failed.delete(r.index);
    }
    for (const f of file.failed ?? []) if (!runs.has(f.index)) failed.set(f.index, f);
  }
  const counts = new Set([...shards].map((s) => s.split("/")[1] ?? "whole"));
  if (counts.size > 1) throw new SweepFileError(`merge: shards of different splits (${[...shards].join(", ")})`);
  const all = stageRuns(grid, search, stage ?? 1, [...runs.values()], "merge");
  const last = all[all.length - 1];
  const missing = last.filter((r) => !runs.has(r.index));
  if (missing.length && !allowPartial) {
    const [count] = [...counts];
    const n = Number(count);
    const absent = Number.isInteger(n) ? Array.from({length: n}, (_, i) => `${i + 1}/${n}`).filter((s) => !shards.has(s)) : [];
    throw new SweepFileError(
      `merge: ${missing.length} of ${last.length} runs${stage ? ` of stage ${stage}` : ""} missing (first: run ${missing[0].index}, ${describe(missing[0])})${absent.length ? `: shard ${absent.join(", ")} missing` : ""}; --partial writes what there is, marked partial`,
    );
  }
  const out: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, search, stage, shard: null, runs: [...runs.values()].sort((a, b) => a.index - b.index)};
  if (failed.size) out.failed = [...failed.values()].sort((a, b) => a.index - b.index);
  if (missing.length) out.missing = missing.map((r) => r.index);
  return out;
}

export const JOURNAL_FORMAT = "digit-workbook/sweep-journal";

/**
 * A journal's first line: which grid, search and shard its runs belong to, and which stages it
 * records: `first` … `stage` (a staged run of a search records one; a whole search in one process
 * records them all; a grid or random search has stage null).
 */
export function journalHeader(grid: SweepGrid, shard: {index: number; count: number} | null, search: SearchSpec = GRID_SEARCH, stage: number | null = null, first = stage ?? 1): string {
  return JSON.stringify({format: JOURNAL_FORMAT, version: SWEEP_VERSION, grid, search, stage, first, shard}) + "\n";
}

/** One journal line: a finished run, or a failed one. */
export function journalLine(entry: {result: SweepResult} | {failed: SweepFailure}): string {
  return JSON.stringify(entry, (_key, value) => (typeof value === "number" ? finiteOrNull(value) : value)) + "\n";
}

/**
 * Reads a journal (JSON lines: a header, then one line per finished or failed run, in completion
 * order). `earlier` is the results of the stages before its first (the --from file). Each
 * recorded stage's runs are planned from the results before it, so a line that is not a run of
 * its stage is refused. A last line without its newline is a write that a kill cut short and is
 * dropped; any other bad line throws SweepFileError naming the file and the line. A run finished
 * after it failed counts as finished.
 */
export function readJournal(
  text: string,
  name: string,
  earlier: readonly SweepResult[] = [],
): {grid: SweepGrid; search: SearchSpec; stage: number | null; first: number; shard: {index: number; count: number} | null; runs: SweepResult[]; failed: SweepFailure[]} {
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
  if (head.format !== JOURNAL_FORMAT || !(head.version === SWEEP_VERSION || head.version === 1)) throw new SweepFileError(`${name}: line 1: not a ${JOURNAL_FORMAT} version ${SWEEP_VERSION} header`);
  const version = head.version as number;
  const header = checkHeader(head, name);
  const last = header.stage ?? 1;
  const first = head.first === undefined ? last : (head.first as number);
  if (!(Number.isInteger(first) && first >= 1 && first <= last)) throw new SweepFileError(`${name}: line 1: first stage ${show(head.first)} (expected 1 to ${last})`);
  const entries = complete.slice(1).map((line, k) => ({n: k + 2, entry: parse(line, k + 2)}));
  for (const {n, entry} of entries) if (!isObject(entry.result) && !isObject(entry.failed)) throw new SweepFileError(`${name}: line ${n}: expected {result} or {failed}`);
  const configs = trialConfigs(header.grid, header.search);
  // A run's index says its rung: (rung × trials + trial) × seeds + seed − 1.
  const rungOf = (e: Record<string, unknown>) => Math.floor(Number(((e.result ?? e.failed) as Record<string, unknown>).index) / (configs.length * header.grid.seeds));
  const known: SweepResult[] = [...earlier];
  const runs = new Map<number, SweepResult>();
  const failed = new Map<number, SweepFailure>();
  for (let s = first; s <= last; s++) {
    const planned = planStage(header.grid, header.search, s, known, configs);
    const mine = s === last && header.shard ? shardRuns(planned, header.shard.index, header.shard.count) : planned;
    const byIndex = new Map(mine.map((r) => [r.index, r]));
    const stageResults: SweepResult[] = [];
    for (const {n, entry} of entries) {
      const rung = rungOf(entry);
      if (rung !== s - 1) {
        if (rung >= first - 1 && rung <= last - 1) continue;
        throw new SweepFileError(`${name}: line ${n}: a run of rung ${rung}, outside the stages this journal records (${first} to ${last})`);
      }
      if (isObject(entry.result)) {
        const want = byIndex.get(entry.result.index as number);
        if (!want) throw new SweepFileError(`${name}: line ${n}: index ${show(entry.result.index)} is not a run of ${header.shard ? "this shard" : header.stage ? `stage ${s}` : "this search"}`);
        const result = checkResult(entry.result, want, `${name}: line ${n}`, version);
        runs.set(want.index, result);
        failed.delete(want.index);
        stageResults.push(result);
      } else {
        const [failure] = checkFailures([entry.failed], byIndex, `${name}: line ${n}`);
        if (!runs.has(failure.index)) failed.set(failure.index, failure);
      }
    }
    known.push(...stageResults);
  }
  return {...header, first, runs: [...runs.values()], failed: [...failed.values()]};
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
    trial: r.trial,
    rung: r.rung,
    budget: r.budget,
    ...r.config,
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
