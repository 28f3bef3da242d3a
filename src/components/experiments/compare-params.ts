/**
 * The Compare page's whole state in its URL: the grid and the view (smoothing, metric, the
 * selected configuration). Every parameter is parsed on its own; a bad one falls back to its
 * default and is named in `problems`; a grid that is bad as a whole (e.g. too many runs) falls
 * back to the default grid and says why. Only values that differ from the defaults are written.
 */
import {DEFAULT_GRID, validateGrid, type SweepGrid} from "../runs/sweep.js";
import {shorten} from "./params.js";
import {AXES} from "../runs/space.js";

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

export function writeCompareState(grid: SweepGrid, view: CompareView): string {
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
  if (view.smooth !== DEFAULT_VIEW.smooth) params.set("smooth", String(view.smooth));
  if (view.metric !== DEFAULT_VIEW.metric) params.set("metric", view.metric);
  if (view.sel) params.set("sel", view.sel);
  const text = params.toString();
  return text ? `?${text}` : "";
}
