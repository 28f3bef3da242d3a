/**
 * Which hyperparameters explain the spread of final test accuracy in a sweep: pure analysis,
 * shared by the Compare page and the tests.
 *
 * - On a full grid: functional ANOVA main effects (Hutter, Hoos & Leyton-Brown, "An Efficient
 *   Approach for Assessing Hyperparameter Importance", ICML 2014; here on the grid itself, with no
 *   surrogate model). Every configuration is a cell of the grid with value y (its mean over seeds).
 *   With μ the mean and V = mean((y − μ)²) the variance over the cells, axis a's main effect is the
 *   variance of its marginal means: V_a = mean over a's values v of (mean(y | a = v) − μ)². Its
 *   share V_a / V is the fraction of the variance that a alone explains; 1 − Σ_a V_a / V is what
 *   only combinations of axes explain (interactions). A balanced grid makes the marginal means
 *   plain averages.
 * - On a random search or successive halving (no grid to average over): permutation importance
 *   of a random-forest regressor (ml-random-forest, a fixed seed). The configurations are split
 *   into k folds; for each fold a forest is fitted on the other folds, and each axis's column of the
 *   held-out fold is shuffled (seeded) and the rise in squared error noted. An axis's importance is
 *   that rise, averaged over folds and shuffles, divided by the variance of y (the drop in the
 *   held-out R²): about 0 for an axis y ignores (a little below 0 by chance), and above 1 when a
 *   shuffled column misleads the forest more than knowing nothing would. Held-out folds keep the forest's memorised
 *   noise out of the figures.
 *
 * A diverged run has no accuracy; here it counts as chance (10 %), which is what a network that
 * outputs NaN achieves.
 */
import {RandomForestRegression} from "ml-random-forest";
import {randomLcg} from "d3";
import {AXES, axis, type AxisName, type RunConfig} from "./space.js";
import type {SweepFile, SweepResult} from "./sweep.js";
import {varies} from "./sweep.js";
import {latestRuns} from "./seed-groups.js";

/** Accuracy a diverged run counts as (ten classes). */
export const CHANCE = 0.1;

/** One configuration: its hyperparameters and the value to explain (mean final test accuracy over its seeds). */
export interface ImportancePoint {
  config: RunConfig;
  y: number;
}

export interface AxisImportance {
  name: AxisName;
  /** fANOVA: share of the variance of y (0–1). Permutation: rise in held-out squared error ÷ variance of y (about 0 for an axis y ignores; may pass 1). */
  value: number;
}

export interface ImportanceResult {
  method: "fanova" | "permutation";
  /** One entry per axis analysed, largest first. */
  axes: AxisImportance[];
  /** fANOVA: the share only interactions explain (1 − Σ main effects); permutation: NaN. */
  interactions: number;
  /** Configurations the analysis used. */
  points: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const byValue = (a: AxisImportance, b: AxisImportance) => b.value - a.value;

/**
 * fANOVA main effects of `axes` over a full grid of configurations (one point per cell). throws
 * RangeError when the points are not a full grid over those axes (a cell missing or repeated).
 */
export function fanovaMainEffects(points: readonly ImportancePoint[], axes: readonly AxisName[]): ImportanceResult {
  const levels = axes.map((a) => [...new Set(points.map((p) => p.config[a]))]);
  const cells = levels.reduce((n, l) => n * l.length, 1);
  const distinct = new Set(points.map((p) => axes.map((a) => String(p.config[a])).join("|"))).size;
  if (points.length !== cells || distinct !== cells) throw new RangeError(`not a full grid: ${points.length} points (${distinct} distinct) for ${cells} cells of ${axes.join(" × ")}`);
  const mu = mean(points.map((p) => p.y));
  const total = mean(points.map((p) => (p.y - mu) ** 2));
  const effects = axes.map((name, i) => {
    const v = mean(levels[i].map((level) => (mean(points.filter((p) => p.config[name] === level).map((p) => p.y)) - mu) ** 2));
    return {name, value: total > 0 ? v / total : 0};
  });
  const explained = effects.reduce((s, e) => s + e.value, 0);
  return {method: "fanova", axes: effects.sort(byValue), interactions: total > 0 ? Math.max(0, 1 - explained) : 0, points: points.length};
}

/** A configuration as the forest's features: numbers as they are (tree splits ignore monotone rescaling), choices as their index among the axis's options. */
function features(config: RunConfig, axes: readonly AxisName[]): number[] {
  return axes.map((name) => {
    const a = axis(name);
    const v = config[name];
    return a.kind === "choice" ? (a.options as readonly unknown[]).indexOf(v) : (v as number);
  });
}

export interface PermutationOptions {
  /** Seeds the folds, the shuffles and the forest. */
  seed?: number;
  trees?: number;
  folds?: number;
  /** Shuffles of each column per fold. */
  repeats?: number;
}

/**
 * Cross-validated permutation importance of a random-forest regressor (module comment). Needs
 * at least `folds` points; fewer folds are used when there are fewer points.
 */
export function permutationImportance(points: readonly ImportancePoint[], axes: readonly AxisName[], {seed = 1, trees = 60, folds = 5, repeats = 5}: PermutationOptions = {}): ImportanceResult {
  const n = points.length;
  if (n < 4) throw new RangeError(`too few configurations for a forest: ${n} (at least 4)`);
  const k = Math.min(folds, n);
  const X = points.map((p) => features(p.config, axes));
  const y = points.map((p) => p.y);
  const mu = mean(y);
  const variance = mean(y.map((v) => (v - mu) ** 2));
  const random = randomLcg(seed / 2 ** 31);
  // Folds: a seeded shuffle of the points, dealt out in turn.
  const order = points.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rise = axes.map(() => 0);
  let measured = 0;
  for (let f = 0; f < k; f++) {
    const test = order.filter((_, i) => i % k === f);
    const train = order.filter((_, i) => i % k !== f);
    const forest = new RandomForestRegression({seed: seed + f, nEstimators: trees, maxFeatures: 1.0, replacement: false, useSampleBagging: true, noOOB: true, treeOptions: {minNumSamples: 2}});
    forest.train(
      train.map((i) => X[i]),
      train.map((i) => y[i]),
    );
    const rows = test.map((i) => X[i]);
    const mse = (predicted: number[]) => mean(predicted.map((p, r) => (p - y[test[r]]) ** 2));
    const base = mse(forest.predict(rows));
    axes.forEach((_, j) => {
      for (let r = 0; r < repeats; r++) {
        const column = rows.map((row) => row[j]);
        for (let i = column.length - 1; i > 0; i--) {
          const s = Math.floor(random() * (i + 1));
          [column[i], column[s]] = [column[s], column[i]];
        }
        const shuffled = rows.map((row, i) => row.map((x, c) => (c === j ? column[i] : x)));
        rise[j] += (mse(forest.predict(shuffled)) - base) * test.length;
      }
    });
    measured += test.length;
  }
  const scale = variance > 0 ? 1 / (variance * repeats * measured) : 0;
  return {method: "permutation", axes: axes.map((name, j) => ({name, value: rise[j] * scale})).sort(byValue), interactions: NaN, points: n};
}

/** A run's accuracy for this analysis: a diverged run counts as chance. */
const accuracyOf = (r: SweepResult) => (r.diverged || !Number.isFinite(r.testAccuracy) ? CHANCE : r.testAccuracy);

/** One point per configuration (seed mean), from `runs` (successive halving: each trial's latest rung). */
export function importancePoints(runs: readonly SweepResult[]): ImportancePoint[] {
  const byKey = new Map<string, SweepResult[]>();
  for (const r of runs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  return [...byKey.values()].map((rs) => ({config: rs[0].config, y: mean(rs.map(accuracyOf))}));
}

/** The axes a file varies, in AXES order. */
export const varyingAxes = (file: Pick<SweepFile, "grid" | "search">): AxisName[] => AXES.map((a) => a.name).filter(varies(file.grid, file.search));

/**
 * The importance of each axis a results file varies: fANOVA on a complete grid, permutation
 * importance on a search (each trial at the highest rung it reached). null when there is nothing to
 * analyse: fewer than two axes vary, or a grid is incomplete (with the reason in `why`).
 */
export function hyperparameterImportance(file: Pick<SweepFile, "grid" | "search" | "runs">, options: PermutationOptions = {}): ImportanceResult | {why: string} {
  const axes = varyingAxes(file);
  if (axes.length < 2) return {why: `only ${axes.length === 0 ? "no axis varies" : `${axis(axes[0]).label} varies`}: importance compares two or more`};
  if (file.search.kind === "grid") {
    const points = importancePoints(file.runs);
    const cells = axes.reduce((n, a) => n * file.grid[axis(a).gridKey].length, 1);
    if (points.length < cells) return {why: `the grid is not complete (${points.length} of ${cells} configurations have results)`};
    return fanovaMainEffects(points, axes);
  }
  const points = importancePoints(latestRuns(file.runs));
  if (points.length < 8) return {why: `too few trials with results (${points.length}; at least 8)`};
  return permutationImportance(points, axes, options);
}
