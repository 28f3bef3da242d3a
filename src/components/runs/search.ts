/**
 * How a sweep chooses its runs: a full grid, a seeded random search, or successive halving.
 *
 * - grid: every combination of the grid's lists (sweep.ts expandGrid).
 * - random: `trials` configurations drawn with the search's seed (d3-random's LCG through
 *   nn/random.ts, stream SEARCH_STREAM): for each trial in turn, each axis in AXES order draws one
 *   value: log-uniformly from `ranges.lr` / `ranges.weightDecay`, uniformly from the other ranges
 *   (whole numbers for warm-up), or uniformly from the grid's list when the axis has no range.
 *   Drawn numbers are rounded to 3 significant digits. The same seed draws the same trials on any
 *   machine.
 * - asha: successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 *   MLSys 2020; Jamieson & Talwalkar 2016) over the random search's trials. Rung k of K (0-based)
 *   trains to ⌈total / reduction^(K−1−k)⌉ samples, total = epochs × train; the schedule's horizon
 *   is always the whole budget, so a run at a low rung is the first part of the same run at a
 *   higher rung, bit for bit. The search runs as K stages: stage s trains rung s − 1. After a
 *   stage, the best ⌊n / reduction⌋ trials (at least 1) of each bracket's n trials at that rung,
 *   ranked by mean test accuracy over their seeds (a diverged seed counts −1; ties: lower trial
 *   first), are promoted to the next rung. Promotions read only completed results, so the stages
 *   replay bit for bit, and each stage may be sharded over a job runner (a merge closes it).
 *   With `brackets` B > 1 (Hyperband, Li et al. 2018), trial t belongs to bracket t mod B and
 *   bracket b starts at rung b: fewer trials halve, more start late with a larger budget.
 *   A trial stopped early keeps its results at the rungs it reached.
 */
import {source} from "../nn/random.js";
import {AXES, axis, axisProblem, RANGE_AXES, round3, type AxisName, type GridAxes, type RunConfig} from "./space.js";

/** The random stream searches draw from (apart from the run streams in nn/random.ts STREAM). */
export const SEARCH_STREAM = 7;
export const SEARCH_KINDS = ["grid", "random", "asha"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
/** Most trials one search may draw (trials × seeds is also held to MAX_RUNS per stage). */
export const MAX_TRIALS = 500;
export const MAX_RUNGS = 6;
export const REDUCTION_RANGE = [2, 10] as const;

export type Ranges = Partial<Record<AxisName, [number, number]>>;

export type SearchSpec =
  {kind: "grid"} | {kind: "random"; trials: number; seed: number; ranges: Ranges} | {kind: "asha"; trials: number; seed: number; ranges: Ranges; reduction: number; rungs: number; brackets: number};

export const GRID_SEARCH: SearchSpec = {kind: "grid"};

/** A search that does not make sense; the message names the field. */
export class SearchError extends Error {
  override name = "SearchError";
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));
const whole = (name: string, v: unknown, lo: number, hi: number): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new SearchError(`invalid ${name}: ${show(v)} (expected a whole number from ${lo} to ${hi})`);
  return v;
};

/**
 * Checks a search at the boundary (CLI, page, file) and fills in defaults (seed 1, no ranges,
 * reduction 3, rungs 3, brackets 1). throws SearchError naming the field: an unknown kind,
 * trials ≤ 0 or over MAX_TRIALS, a reduction factor < 2, a range that is not [lo, hi] inside
 * its axis's accepted values (log axes need lo > 0), brackets > rungs.
 */
export function validateSearch(input: unknown): SearchSpec {
  if (input === undefined || input === null) return GRID_SEARCH;
  if (typeof input !== "object" || Array.isArray(input)) throw new SearchError(`invalid search: ${show(input)} (expected an object)`);
  const s = input as Record<string, unknown>;
  if (!(SEARCH_KINDS as readonly unknown[]).includes(s.kind)) throw new SearchError(`invalid search kind: ${show(s.kind)} (expected one of ${SEARCH_KINDS.join(", ")})`);
  const known = s.kind === "grid" ? ["kind"] : s.kind === "random" ? ["kind", "trials", "seed", "ranges"] : ["kind", "trials", "seed", "ranges", "reduction", "rungs", "brackets"];
  for (const key of Object.keys(s)) if (!known.includes(key)) throw new SearchError(`unknown search key for ${s.kind}: ${show(key)} (known: ${known.join(", ")})`);
  if (s.kind === "grid") return GRID_SEARCH;
  const trials = whole("trials", s.trials, 1, MAX_TRIALS);
  const seed = whole("search seed", s.seed ?? 1, 0, 2 ** 31 - 1);
  const ranges = validateRanges(s.ranges ?? {});
  if (s.kind === "random") return {kind: "random", trials, seed, ranges};
  const reduction = s.reduction ?? 3;
  if (typeof reduction !== "number" || !Number.isInteger(reduction) || reduction < REDUCTION_RANGE[0] || reduction > REDUCTION_RANGE[1])
    throw new SearchError(`invalid reduction factor: ${show(reduction)} (expected a whole number from ${REDUCTION_RANGE[0]} to ${REDUCTION_RANGE[1]}: each rung keeps the best 1/reduction)`);
  const rungs = whole("rungs", s.rungs ?? 3, 1, MAX_RUNGS);
  const brackets = whole("brackets", s.brackets ?? 1, 1, rungs);
  return {kind: "asha", trials, seed, ranges, reduction, rungs, brackets};
}

function validateRanges(input: unknown): Ranges {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new SearchError(`invalid ranges: ${show(input)} (expected an object)`);
  const out: Ranges = {};
  for (const [name, r] of Object.entries(input)) {
    if (!(RANGE_AXES as string[]).includes(name)) throw new SearchError(`invalid ranges: ${show(name)} has no range (axes with ranges: ${RANGE_AXES.join(", ")})`);
    const a = axis(name as AxisName);
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "number" || typeof r[1] !== "number" || !(r[0] <= r[1]))
      throw new SearchError(`invalid ${name} range: ${show(r)} (expected [lo, hi] with lo ≤ hi)`);
    for (const x of r) {
      const problem = axisProblem(a, x);
      if (problem) throw new SearchError(`invalid ${name} range: ${x} (${problem})`);
    }
    if (a.kind === "log" && !(r[0] > 0)) throw new SearchError(`invalid ${name} range: ${show(r)} (drawn log-uniformly, so lo must be > 0; list 0 as a choice instead)`);
    out[name as AxisName] = [r[0], r[1]];
  }
  return out;
}

/**
 * The trials of a random or successive-halving search, in trial order: `trials` configurations
 * drawn with the search's seed (the module comment gives the order of the draws).
 */
export function drawTrials(lists: GridAxes, search: {trials: number; seed: number; ranges: Ranges}): RunConfig[] {
  const u = source(search.seed, SEARCH_STREAM);
  const out: RunConfig[] = [];
  for (let t = 0; t < search.trials; t++) {
    const config = {} as Record<AxisName, unknown>;
    for (const a of AXES) {
      const range = search.ranges[a.name];
      if (!range) {
        const list = lists[a.gridKey] as unknown[];
        config[a.name] = list[Math.min(list.length - 1, Math.floor(u() * list.length))];
      } else if (a.kind === "log") config[a.name] = round3(Math.exp(Math.log(range[0]) + u() * (Math.log(range[1]) - Math.log(range[0]))));
      else if (a.kind === "integer") config[a.name] = range[0] + Math.min(range[1] - range[0], Math.floor(u() * (range[1] - range[0] + 1)));
      else {
        // An open upper end (dropout < 1) stays open after rounding.
        const x = round3(range[0] + u() * (range[1] - range[0]));
        config[a.name] = a.kind === "linear" && "openMax" in a && a.openMax && x >= a.range[1] ? range[0] : x;
      }
    }
    out.push(config as unknown as RunConfig);
  }
  return out;
}

/** How many stages a search runs: one, or one per rung. */
export const stageCount = (search: SearchSpec) => (search.kind === "asha" ? search.rungs : 1);

/** Samples a run at `rung` trains on, of `total` (= epochs × train): ⌈total / reduction^(K−1−rung)⌉. */
export function rungBudget(search: SearchSpec, rung: number, total: number): number {
  if (search.kind !== "asha") return total;
  return Math.ceil(total / search.reduction ** (search.rungs - 1 - rung));
}

/** One trial's score at a rung, for promotion: mean test accuracy over its seeds; a diverged seed counts −1. */
export function trialScore(results: readonly {testAccuracy: number}[]): number {
  return results.reduce((s, r) => s + (Number.isFinite(r.testAccuracy) ? r.testAccuracy : -1), 0) / results.length;
}

/**
 * The trials promoted out of a rung: per bracket, the best ⌊n / reduction⌋ (at least 1) of the n
 * trials that ran at the rung, by trialScore, ties to the lower trial. `scores` maps trial → score.
 */
export function promote(scores: Map<number, number>, reduction: number, brackets: number): number[] {
  const byBracket = new Map<number, number[]>();
  for (const t of [...scores.keys()].sort((a, b) => a - b)) {
    const b = t % brackets;
    if (!byBracket.has(b)) byBracket.set(b, []);
    byBracket.get(b)!.push(t);
  }
  const out: number[] = [];
  for (const trials of byBracket.values()) {
    const keep = Math.max(1, Math.floor(trials.length / reduction));
    const ranked = [...trials].sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
    out.push(...ranked.slice(0, keep));
  }
  return out.sort((a, b) => a - b);
}
