/**
 * The Compare page's whole state in its URL: the grid, the search that picks its runs, and the
 * view (smoothing, metric, the selected configuration). Every parameter is parsed on its own; a
 * bad one falls back to its default and is named in `problems`; a grid that is bad as a whole
 * (e.g. too many runs) falls back to the default grid and says why. Only values that differ from
 * the defaults are written.
 */
import {DEFAULT_GRID, validateGrid, type SweepGrid} from "../runs/sweep.js";
import {GRID_SEARCH, validateSearch, type SearchSpec} from "../runs/search.js";
import {shorten} from "./params.js";
import {AXES, axis, RANGE_AXES, type AxisName} from "../runs/space.js";

export interface CompareView {
  /** EMA weight of the curves, 0–0.99. */
  smooth: number;
  metric: "testAccuracy" | "trainLoss";
  /** Selected configuration key ("init|activation|lr") or "". */
  sel: string;
}

export const DEFAULT_VIEW: CompareView = {smooth: 0.6, metric: "testAccuracy", sel: ""};

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const num = (text: string) => {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v)) throw new RangeError("expected a number");
  return v;
};

/** URL key → how it reads into a partial grid: one comma-separated list per axis (space.ts urlKey), then the fixed settings. */
const GRID_PARAMS: Record<string, (text: string) => Partial<SweepGrid>> = {
  ...Object.fromEntries(AXES.map((a) => [a.urlKey, (t: string) => ({[a.gridKey]: a.kind === "choice" ? list(t) : list(t).map(num)})])),
  seeds: (t) => ({seeds: num(t)}),
  train: (t) => ({train: num(t)}),
  test: (t) => ({test: num(t)}),
  hidden: (t) => ({hidden: list(t).map(num)}),
  epochs: (t) => ({epochs: num(t)}),
  batch: (t) => ({batch: num(t)}),
  mu: (t) => ({momentum: num(t)}),
  nesterov: (t) => {
    if (t !== "true" && t !== "false") throw new RangeError("expected true or false");
    return {nesterov: t === "true"};
  },
};

/** What a random or successive-halving search on the page starts from: the CLI's defaults (η drawn log-uniformly from 0.001 to 1) and 16 trials. */
export const SEARCH_DEFAULTS = {trials: 16, seed: 1, reduction: 3, rungs: 3, brackets: 1, ranges: {lr: [0.001, 1]} as Partial<Record<AxisName, [number, number]>>};

/** The URL key of an axis's search range: "lr-range", "weight-decay-range", "dropout-range", "warmup-range" (the CLI's flags without the dashes). */
export const rangeKey = (name: AxisName) => `${axis(name).urlKey}-range`;

/** URL keys of the search: its kind, its numbers and one range per axis that takes one. */
export const SEARCH_URL_KEYS = ["search", "trials", "search-seed", "reduction", "rungs", "brackets", ...RANGE_AXES.map(rangeKey)];

/** A search of `kind` with SEARCH_DEFAULTS' fields (only those the kind has). */
export function defaultSearch(kind: SearchSpec["kind"]): SearchSpec {
  if (kind === "grid") return GRID_SEARCH;
  const {trials, seed, reduction, rungs, brackets, ranges} = SEARCH_DEFAULTS;
  return validateSearch(kind === "random" ? {kind, trials, seed, ranges} : {kind, trials, seed, ranges, reduction, rungs, brackets});
}

/** "lo,hi" → [lo, hi]; "" → null (no range: the axis draws from its list). */
export function readRange(text: string): [number, number] | null {
  if (text.trim() === "") return null;
  const parts = list(text).map(num);
  if (parts.length !== 2) throw new RangeError("expected two numbers lo,hi");
  return [parts[0], parts[1]];
}

/** Search URL key → how its text changes a search (kind aside). */
const SEARCH_PARAMS: Record<string, (text: string, s: Record<string, unknown>) => Record<string, unknown>> = {
  trials: (t, s) => ({...s, trials: num(t)}),
  "search-seed": (t, s) => ({...s, seed: num(t)}),
  reduction: (t, s) => ({...s, reduction: num(t)}),
  rungs: (t, s) => ({...s, rungs: num(t)}),
  brackets: (t, s) => ({...s, brackets: num(t)}),
  ...Object.fromEntries(
    RANGE_AXES.map((name) => [
      rangeKey(name),
      (t: string, s: Record<string, unknown>) => {
        const ranges = {...(s.ranges as Record<string, unknown>)};
        const r = readRange(t);
        if (r) ranges[name] = r;
        else delete ranges[name];
        return {...s, ranges};
      },
    ]),
  ),
};

/** The search a query string describes; each bad parameter is named in `problems` (appended) and leaves the value before it. */
export function readSearch(query: string | URLSearchParams, problems: string[]): SearchSpec {
  const params = new URLSearchParams(query);
  const kind = params.get("search");
  if (kind === null || kind === "grid") return GRID_SEARCH;
  let search: SearchSpec;
  try {
    search = defaultSearch(kind as SearchSpec["kind"]);
  } catch {
    problems.push(`URL parameter search=${JSON.stringify(shorten(kind))} ignored (expected grid, random or asha); running a grid.`);
    return GRID_SEARCH;
  }
  for (const [key, read] of Object.entries(SEARCH_PARAMS)) {
    const text = params.get(key);
    if (text === null) continue;
    try {
      // A reduction, rungs or brackets beside a random search: not part of it, so not applied (validateSearch would refuse the key).
      if (search.kind === "random" && ["reduction", "rungs", "brackets"].includes(key)) throw new RangeError(`${key} applies to successive halving (search=asha) only`);
      search = validateSearch(read(text, search as unknown as Record<string, unknown>));
    } catch (error) {
      problems.push(`URL parameter ${key}=${JSON.stringify(shorten(text))} ignored (${(error as Error).message}).`);
    }
  }
  return search;
}

/** The search's parameters that differ from defaultSearch(kind), as URL entries. */
export function writeSearch(search: SearchSpec, params: URLSearchParams): void {
  if (search.kind === "grid") return;
  params.set("search", search.kind);
  const d = defaultSearch(search.kind) as Exclude<SearchSpec, {kind: "grid"}>;
  if (search.trials !== d.trials) params.set("trials", String(search.trials));
  if (search.seed !== d.seed) params.set("search-seed", String(search.seed));
  if (search.kind === "asha" && d.kind === "asha") {
    if (search.reduction !== d.reduction) params.set("reduction", String(search.reduction));
    if (search.rungs !== d.rungs) params.set("rungs", String(search.rungs));
    if (search.brackets !== d.brackets) params.set("brackets", String(search.brackets));
  }
  for (const name of RANGE_AXES) {
    const r = search.ranges[name],
      was = d.ranges[name];
    if (JSON.stringify(r) !== JSON.stringify(was)) params.set(rangeKey(name), r ? r.join(",") : "");
  }
}

/** The grid and view a query string describes (its search: readSearch); each bad parameter is named in `problems` and falls back. */
export function readCompareState(search: string): {grid: SweepGrid; view: CompareView; problems: string[]} {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  let grid: SweepGrid = DEFAULT_GRID;
  for (const [key, read] of Object.entries(GRID_PARAMS)) {
    const text = params.get(key);
    if (text === null) continue;
    try {
      grid = validateGrid({...grid, ...read(text)});
    } catch (error) {
      problems.push(`URL parameter ${key}=${JSON.stringify(shorten(text))} ignored (${(error as Error).message}).`);
    }
  }
  const view = {...DEFAULT_VIEW};
  const smooth = params.get("smooth");
  if (smooth !== null) {
    const v = Number(smooth);
    if (smooth.trim() !== "" && v >= 0 && v <= 0.99) view.smooth = v;
    else problems.push(`URL parameter smooth=${JSON.stringify(shorten(smooth))} ignored (expected a number from 0 to 0.99); using ${DEFAULT_VIEW.smooth}.`);
  }
  const metric = params.get("metric");
  if (metric !== null) {
    if (metric === "testAccuracy" || metric === "trainLoss") view.metric = metric;
    else problems.push(`URL parameter metric=${JSON.stringify(shorten(metric))} ignored (expected testAccuracy or trainLoss).`);
  }
  view.sel = params.get("sel") ?? "";
  return {grid, view, problems};
}

export function writeCompareState(grid: SweepGrid, view: CompareView, search: SearchSpec = GRID_SEARCH): string {
  const params = new URLSearchParams();
  const d = DEFAULT_GRID;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const a of AXES) if (!same(grid[a.gridKey], d[a.gridKey])) params.set(a.urlKey, grid[a.gridKey].join(","));
  for (const [key, field] of [
    ["seeds", "seeds"],
    ["train", "train"],
    ["test", "test"],
    ["epochs", "epochs"],
    ["batch", "batch"],
    ["mu", "momentum"],
    ["nesterov", "nesterov"],
  ] as const) {
    if (grid[field] !== d[field]) params.set(key, String(grid[field]));
  }
  if (!same(grid.hidden, d.hidden)) params.set("hidden", grid.hidden.join(","));
  writeSearch(search, params);
  if (view.smooth !== DEFAULT_VIEW.smooth) params.set("smooth", String(view.smooth));
  if (view.metric !== DEFAULT_VIEW.metric) params.set("metric", view.metric);
  if (view.sel) params.set("sel", view.sel);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * The build-time report's search (src/data/compare-search.json.ts), which the Compare page shows
 * beside the report's grid: 32 random trials × 2 seeds of one epoch of 5,000 images, He normal +
 * ReLU, B = 32, drawing η log-uniformly from 0.003 to 1, λ log-uniformly from 1e-5 to 1e-2,
 * dropout p uniformly from 0 to 0.5, the optimiser (SGD, SGD + momentum 0.9, AdamW) and the
 * schedule (constant, cosine) from their lists. Its grid lists η as the range's lower end, as the
 * CLI's does (`--lr-range lo,hi` without `--lr`), so the printed command reproduces it exactly.
 */
export const REPORT_SEARCH_GRID: SweepGrid = validateGrid({
  ...DEFAULT_GRID,
  inits: ["he-normal"],
  activations: ["relu"],
  lrs: [0.003],
  optimizers: ["sgd", "momentum", "adamw"],
  momentum: 0.9,
  schedules: ["constant", "cosine"],
  train: 10_000,
  test: 500,
  seeds: 2,
  batch: 16,
});
export const REPORT_SEARCH: SearchSpec = validateSearch({kind: "random", trials: 32, seed: 1, ranges: {lr: [0.003, 1], weightDecay: [1e-5, 1e-2], dropout: [0, 0.5]}});
