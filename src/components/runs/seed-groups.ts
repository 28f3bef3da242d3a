/**
 * A configuration's seeds as one group: the mean of a figure over the seeds and its 95 %
 * confidence interval, mean ± t(0.975, n − 1) · s / √n, with s the sample standard deviation and
 * t the Student t quantile (stdlib's port). The interval says where the configuration's mean over
 * every possible seed probably lies, given these n seeds; it assumes the seeds' results are
 * independent draws from a roughly normal spread, which a handful of seeds cannot check. With one
 * seed there is no interval (lo = hi = NaN).
 *
 *   meanCI([0.91, 0.92, 0.93])   // {n: 3, mean: 0.92, sd: 0.01, half: 0.0248, lo: 0.8952, hi: 0.9448}
 *   seedGroups(file.runs)        // one group per configuration (and rung), in the runs' order
 */
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import type {SweepResult} from "./sweep.js";
import type {RunConfig} from "./space.js";

export interface MeanCI {
  /** Values that entered (finite ones only). */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for one value. */
  sd: number;
  /** Half-width of the interval: t(1 − (1 − level)/2, n − 1) · sd / √n; NaN for fewer than two values. */
  half: number;
  lo: number;
  hi: number;
}

/** Mean and `level` confidence interval (default 95 %) of the finite values; NaN everywhere for none. */
export function meanCI(values: readonly number[], level = 0.95): MeanCI {
  if (!(level > 0 && level < 1)) throw new RangeError(`invalid level: ${level} (expected a number between 0 and 1)`);
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return {n, mean: NaN, sd: NaN, half: NaN, lo: NaN, hi: NaN};
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return {n, mean, sd: 0, half: NaN, lo: NaN, hi: NaN};
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return {n, mean, sd, half, lo: mean - half, hi: mean + half};
}

/** One configuration's seeds at one rung. */
export interface SeedGroup {
  /** The configuration's key (space.ts configKey); with successive halving also "@rung". */
  id: string;
  key: string;
  trial: number;
  rung: number;
  budget: number;
  config: RunConfig;
  runs: SweepResult[];
  /** Final test accuracy (0–1) over the seeds that did not diverge. */
  accuracy: MeanCI;
  /** Seeds that diverged. */
  diverged: number;
  /** Mean dead hidden units over the seeds. */
  deadUnits: number;
}

/**
 * The runs grouped by configuration and rung (a configuration's seeds), in the order each group
 * first appears. A group's accuracy leaves out diverged seeds (they have no accuracy); `diverged`
 * counts them.
 */
export function seedGroups(runs: readonly SweepResult[], level = 0.95): SeedGroup[] {
  const groups = new Map<string, SweepResult[]>();
  for (const r of runs) {
    const id = r.rung ? `${r.key}@${r.rung}` : r.key;
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(r);
  }
  return [...groups].map(([id, rs]) => ({
    id,
    key: rs[0].key,
    trial: rs[0].trial,
    rung: rs[0].rung,
    budget: rs[0].budget,
    config: rs[0].config,
    runs: rs,
    accuracy: meanCI(
      rs.filter((r) => !r.diverged).map((r) => r.testAccuracy),
      level,
    ),
    diverged: rs.filter((r) => r.diverged).length,
    deadUnits: rs.reduce((s, r) => s + r.deadUnits, 0) / rs.length,
  }));
}

/**
 * A mean and its interval as text, scaled (default: a fraction shown in %): "91.2 ± 0.8"; the
 * mean alone for one value ("91.2"); "–" for none.
 */
export function ciText(ci: MeanCI, {scale = 100, digits = 1}: {scale?: number; digits?: number} = {}): string {
  if (!Number.isFinite(ci.mean)) return "–";
  const m = (scale * ci.mean).toFixed(digits);
  return Number.isFinite(ci.half) ? `${m} ± ${(scale * ci.half).toFixed(digits)}` : m;
}

/**
 * The trials' results a comparison across configurations can use: every run of a grid or a
 * random search; for successive halving, each trial's runs at the highest rung it reached (a
 * trial stopped early keeps the accuracy of its shorter budget, so those are not comparable at
 * full budget: the views show the rung).
 */
export function latestRuns(runs: readonly SweepResult[]): SweepResult[] {
  const top = new Map<number, number>();
  for (const r of runs) top.set(r.trial, Math.max(top.get(r.trial) ?? -1, r.rung));
  return runs.filter((r) => r.rung === top.get(r.trial));
}
