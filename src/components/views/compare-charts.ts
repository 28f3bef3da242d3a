/**
 * The Compare page's figures, drawn with Observable Plot from a sweep results file: smoothed
 * learning curves with a band across seeds, the final-accuracy heatmap, accuracy against η on a
 * log axis with each pair's usable range, and the aggregation they share.
 */
import * as Plot from "@observablehq/plot";
import {group, max, mean, min} from "d3";
import {emaSmooth, type SweepFile, type SweepGrid, type SweepResult} from "../runs/sweep.js";
import {DEFAULT_GRID} from "../runs/sweep.js";
import {AXES, axis, RANGE_AXES, type AxisName} from "../runs/space.js";
import {GRID_SEARCH, type SearchSpec} from "../runs/search.js";
import {meanCI, ciText, type MeanCI} from "../runs/seed-groups.js";
import {ACTIVATION_LABELS, INIT_LABELS} from "../experiments/explorer.js";
import {SEARCH_URL_KEYS, writeCompareState, type CompareView} from "../experiments/compare-params.js";

/** Short names for axes, legends and the table, where the long ones (INIT_LABELS) do not fit. */
const INIT_SHORT: Record<string, string> = {
  "he-normal": "He normal",
  "he-uniform": "He uniform",
  "xavier-normal": "Xavier normal",
  "xavier-uniform": "Xavier uniform",
  "lecun-normal": "LeCun normal",
  uniform: "U(±0.5)",
  zeros: "zeros",
};
const ACTIVATION_SHORT: Record<string, string> = {relu: "ReLU", "leaky-relu": "leaky ReLU", sigmoid: "sigmoid", tanh: "tanh", identity: "identity"};

const OPTIMIZER_SHORT: Record<string, string> = {sgd: "SGD", momentum: "momentum", adam: "Adam", adamw: "AdamW"};

/** A choice's value as axes and tables show it: initShort, activationShort, "AdamW"; other values as they are. */
export const choiceLabel = (name: string, value: unknown): string =>
  name === "init" ? initShort(String(value)) : name === "activation" ? activationShort(String(value)) : name === "optimizer" ? (OPTIMIZER_SHORT[String(value)] ?? String(value)) : String(value);

/** "he-normal" → "He normal" (axes, legends, table). */
export const initShort = (name: string) => INIT_SHORT[name] ?? name;
/** "relu" → "ReLU". */
export const activationShort = (name: string) => ACTIVATION_SHORT[name] ?? name;

/**
 * A configuration in words: "he-normal|relu|0.0631" → "He (Kaiming) normal, ReLU, η = 0.0631",
 * and "…|optimizer=adamw" → "…, optimiser adamw". Returns "" for "" and the key itself when it is
 * not init|activation|η[|name=value…].
 */
export function configLabel(key: string): string {
  if (!key) return "";
  const [init, activation, lr, ...rest] = key.split("|");
  if (lr === undefined || !Number.isFinite(Number(lr))) return key;
  // The axes after η that the sweep varies: "optimizer=adamw" → "optimiser adamw".
  const more = rest.map((part) => {
    const [name, value] = part.split("=");
    const a = AXES.find((x) => x.name === name);
    return a ? `${a.label} ${value}` : part;
  });
  return [`${INIT_LABELS[init] ?? init}`, `${ACTIVATION_LABELS[activation] ?? activationShort(activation)}`, `η = ${Number(lr)}`, ...more].join(", ");
}

/** Mean, spread and count of one configuration's seeds. */
export interface ConfigSummary {
  key: string;
  init: string;
  activation: string;
  lr: number;
  /** Mean final test accuracy (0–1) over the seeds that did not diverge; NaN when all diverged. */
  accuracy: number;
  accuracyMin: number;
  accuracyMax: number;
  seeds: number;
  diverged: number;
  deadUnits: number;
  /** Mean and 95 % Student t interval of the final test accuracy over the seeds that did not diverge (runs/seed-groups.ts). */
  ci: MeanCI;
}

/** One summary per configuration (init × activation × η), in the grid's order. */
export function summarise(file: SweepFile): ConfigSummary[] {
  const byKey = group(file.runs, (r) => r.key);
  return [...byKey].map(([key, runs]) => {
    const ok = runs.filter((r) => !r.diverged);
    const acc = ok.map((r) => r.testAccuracy);
    return {
      key,
      init: runs[0].config.init,
      activation: runs[0].config.activation,
      lr: runs[0].config.lr,
      accuracy: acc.length ? mean(acc)! : NaN,
      accuracyMin: acc.length ? min(acc)! : NaN,
      accuracyMax: acc.length ? max(acc)! : NaN,
      seeds: runs.length,
      diverged: runs.length - ok.length,
      deadUnits: mean(runs, (r) => r.deadUnits) ?? 0,
      ci: meanCI(acc),
    };
  });
}

/** One init × activation pair's usable range of η and where its best η lies in the grid. */
export interface UsableRange {
  init: string;
  activation: string;
  /** Smallest and largest usable η; NaN when none is usable. */
  lo: number;
  hi: number;
  /** Best mean accuracy (0–1) of the pair, 0 when every η diverged. */
  best: number;
  /** The η with the best mean accuracy; NaN when every η diverged. */
  bestLr: number;
  /** "largest" / "smallest" when the best η is at that end of the η tried (and more than one was tried), else null. */
  edge: "largest" | "smallest" | null;
}

/**
 * Each pair's usable range of η: the learning rates whose mean accuracy is at least `share` of
 * the pair's best (default 90 %), and whether the best η is at an edge of the grid (then the
 * optimum may lie outside it). Returns one entry per init × activation.
 */
export function usableRanges(summaries: ConfigSummary[], share = 0.9): UsableRange[] {
  return [...group(summaries, (s) => `${s.init}|${s.activation}`).values()].map((pair) => {
    const finite = pair.filter((s) => Number.isFinite(s.accuracy));
    const best = max(finite, (s) => s.accuracy) ?? 0;
    const usable = finite.filter((s) => s.accuracy >= share * best && best > 0.2);
    const lrs = pair.map((s) => s.lr);
    const top = finite.find((s) => s.accuracy === best);
    const bestLr = top ? top.lr : NaN;
    const edge = top && new Set(lrs).size > 1 && best > 0.2 ? (bestLr === max(lrs) ? "largest" : bestLr === min(lrs) ? "smallest" : null) : null;
    return {init: pair[0].init, activation: pair[0].activation, lo: min(usable, (s) => s.lr) ?? NaN, hi: max(usable, (s) => s.lr) ?? NaN, best, bestLr, edge};
  });
}

/** A usable range in words, flagging an optimum at the edge of the grid. */
export function rangeText(r: UsableRange): string {
  const range = !Number.isFinite(r.lo) ? "no usable η in this grid" : r.lo === r.hi ? `only η = ${r.lo}` : `η from ${r.lo} to ${r.hi}`;
  const best = r.best > 0 ? ` (best ${(100 * r.best).toFixed(1)} % at η = ${r.bestLr})` : "";
  const edge = r.edge === "largest" ? "; best η is the largest tried; try larger" : r.edge === "smallest" ? "; best η is the smallest tried; try smaller" : "";
  return `${range}${best}${edge}`;
}

export type CurveMetric = "testAccuracy" | "trainLoss";

/** Curve rows: per configuration and curve point, the mean across seeds of the smoothed metric and its 95 % confidence interval (Student t; lo = hi = mean for one seed). */
export function curveRows(file: SweepFile, metric: CurveMetric, smoothing: number) {
  const rows: {key: string; init: string; activation: string; lr: number; epoch: number; mean: number; lo: number; hi: number}[] = [];
  for (const [key, runs] of group(file.runs, (r: SweepResult) => r.key)) {
    const series = runs.map((r) =>
      emaSmooth(
        r.curve.map((p) => (metric === "testAccuracy" ? 100 * p.testAccuracy : p.trainLoss)),
        smoothing,
      ),
    );
    const length = max(runs, (r) => r.curve.length) ?? 0;
    for (let i = 0; i < length; i++) {
      const values = series.map((s) => s[i]).filter((v) => Number.isFinite(v));
      if (!values.length) continue;
      const ci = meanCI(values);
      const half = Number.isFinite(ci.half) ? ci.half : 0;
      const point = runs.find((r) => r.curve[i])!.curve[i];
      rows.push({key, init: runs[0].config.init, activation: runs[0].config.activation, lr: runs[0].config.lr, epoch: point.epoch, mean: ci.mean, lo: ci.mean - half, hi: ci.mean + half});
    }
  }
  return rows;
}

const lrFormat = (x: number) => `η ${x}`;

/** A colour ramp legend's layout (Plot passes a scale's extra options to its legend): room for the first tick label. */
const RAMP = {marginLeft: 12, width: 252} as object;

/** Learning curves: facets init (columns) × activation (rows), one line per η (log colour), band = the 95 % confidence interval of the mean across seeds. */
export function curvesChart(
  file: SweepFile,
  {metric = "testAccuracy", smoothing = 0.6, selected = null, width = 800}: {metric?: CurveMetric; smoothing?: number; selected?: string | null; width?: number},
) {
  const rows = curveRows(file, metric, smoothing);
  // Many overlapping bands would hide the lines: fainter as there are more configurations per facet.
  const perFacet = new Set(file.runs.map((r) => r.key)).size / Math.max(1, file.grid.inits.length * file.grid.activations.length);
  const bandOpacity = perFacet > 8 ? Math.max(0.03, (0.15 * 8) / perFacet) : 0.15;
  const dim = (d: {key: string}) => (selected && d.key !== selected ? 0.18 : 1);
  return Plot.plot({
    width,
    height: 120 + 150 * file.grid.activations.length,
    marginRight: 80,
    x: {label: "epochs →"},
    y: {label: metric === "testAccuracy" ? "↑ test accuracy (%, smoothed)" : "↓ training loss (cross-entropy, nats, smoothed)", grid: true, ...(metric === "testAccuracy" ? {domain: [0, 100]} : {})},
    color: {type: "log", scheme: "viridis", legend: true, label: "learning rate η", tickFormat: "~g", ...RAMP},
    fx: {label: null, tickFormat: initShort, domain: file.grid.inits},
    fy: {label: null, tickFormat: activationShort, domain: file.grid.activations},
    marks: [
      // Clipped to the frame: with two seeds t(0.975, 1) = 12.7 makes intervals far wider than 0–100 %.
      Plot.areaY(rows, {x: "epoch", y1: "lo", y2: "hi", fx: "init", fy: "activation", z: "key", fill: "lr", fillOpacity: (d) => bandOpacity * dim(d), clip: true}),
      Plot.line(rows, {x: "epoch", y: "mean", fx: "init", fy: "activation", z: "key", stroke: "lr", strokeOpacity: dim, strokeWidth: (d) => (selected && d.key === selected ? 3 : 1.5)}),
      Plot.tip(rows, Plot.pointer({x: "epoch", y: "mean", fx: "init", fy: "activation", channels: {η: "lr"}, format: {mean: ".3~f", epoch: ".2f", fx: false, fy: false}})),
    ],
  });
}

/**
 * A Plot render transform that writes each element's configuration key into data-key, so a click
 * on a cell or its label names the configuration without depending on the pointer's last hover.
 */
const tagKeys =
  (data: ConfigSummary[]): Plot.RenderFunction =>
  (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context)!;
    const nodes = g.querySelectorAll(":scope > rect, :scope > text");
    (index as number[]).forEach((i, k) => nodes[k]?.setAttribute("data-key", data[i].key));
    return g;
  };

/** The configuration key of the heatmap cell (or label) a click landed on, or null. */
export function keyAt(event: Event): string | null {
  const target = event.target as Element | null;
  const hit = target?.closest?.("[data-key]");
  if (hit) return hit.getAttribute("data-key");
  const {clientX, clientY} = event as MouseEvent;
  if (typeof document.elementsFromPoint !== "function" || !(clientX || clientY)) return null;
  return (
    document
      .elementsFromPoint(clientX, clientY)
      .find((el) => el.hasAttribute("data-key"))
      ?.getAttribute("data-key") ?? null
  );
}

/**
 * Final accuracy heatmap: init × η, faceted by activation; the text is the mean accuracy (%) over
 * the seeds with its 95 % confidence interval ("91.2 ± 0.8"; the mean alone where a cell is too
 * narrow, the interval then in the tip), "div" (on grey) when every seed diverged. `all` (default:
 * `summaries`) fixes the axes, so a filter that hides cells does not move the others. A click on
 * a cell calls onSelect with its key at once (no hover needed first).
 */
export function heatmapChart(
  summaries: ConfigSummary[],
  {selected = null, width = 800, onSelect, all = summaries}: {selected?: string | null; width?: number; onSelect?: (key: string) => void; all?: ConfigSummary[]},
) {
  const lrs = [...new Set(all.map((s) => s.lr))].sort((a, b) => a - b);
  // Initialisations and activations in the grid's order (summaries keep it), not alphabetically.
  const inits = [...new Set(all.map((s) => s.init))];
  const activations = [...new Set(all.map((s) => s.activation))];
  // "91.2 ± 0.8" on one line where it fits (about 0.6 em a character), else the mean over "± 0.8" on two lines; in a very narrow cell the mean alone (the interval is in the tip).
  const cellWidth = (width - 90 - 20) / Math.max(1, lrs.length * activations.length);
  const longest = Math.max(4, ...summaries.map((d) => ciText(d.ci).length));
  const fontSize = cellWidth >= longest * 0.6 * 11 + 8 ? 11 : 10;
  const oneLine = cellWidth >= longest * 0.6 * fontSize + 8;
  const label = (d: ConfigSummary) => {
    if (!Number.isFinite(d.accuracy)) return "div";
    if (oneLine) return ciText(d.ci);
    if (cellWidth < 36 || !Number.isFinite(d.ci.half)) return (100 * d.accuracy).toFixed(cellWidth < 36 ? 0 : 1);
    return `${(100 * d.accuracy).toFixed(1)}\n± ${(100 * d.ci.half).toFixed(1)}`;
  };
  const ok = summaries.filter((d) => Number.isFinite(d.accuracy));
  const diverged = summaries.filter((d) => !Number.isFinite(d.accuracy));
  const chart = Plot.plot({
    width,
    height: 90 + 36 * inits.length,
    marginLeft: 90,
    marginBottom: 40,
    x: {type: "band", domain: lrs, label: "learning rate η →", tickFormat: (x: number) => String(x)},
    y: {label: null, tickFormat: initShort, domain: inits},
    fx: {label: null, tickFormat: activationShort, domain: activations},
    color: {type: "linear", domain: [0, 100], scheme: "viridis", legend: true, label: "final test accuracy (%)", ...RAMP},
    marks: [
      Plot.cell(ok, {x: "lr", y: "init", fx: "activation", fill: (d) => 100 * d.accuracy, inset: 0.5, render: tagKeys(ok)}),
      Plot.cell(diverged, {x: "lr", y: "init", fx: "activation", fill: "currentColor", fillOpacity: 0.12, inset: 0.5, render: tagKeys(diverged)}),
      Plot.cell(
        summaries.filter((d) => d.key === selected),
        {x: "lr", y: "init", fx: "activation", fill: "none", stroke: "currentColor", strokeWidth: 2.5, inset: 1.5, pointerEvents: "none"},
      ),
      Plot.text(summaries, {
        x: "lr",
        y: "init",
        fx: "activation",
        text: label,
        fill: (d) => (!Number.isFinite(d.accuracy) ? "currentColor" : d.accuracy > 0.6 ? "black" : "white"),
        stroke: (d) => (Number.isFinite(d.accuracy) && d.accuracy <= 0.6 ? "black" : "none"),
        strokeWidth: 0.3,
        fontSize,
        render: tagKeys(summaries),
      }),
      Plot.tip(
        summaries,
        Plot.pointer({
          x: "lr",
          y: "init",
          fx: "activation",
          channels: {
            accuracy: (d) => (Number.isFinite(d.accuracy) ? (100 * d.accuracy).toFixed(1) + " %" : "diverged"),
            "95 % CI": (d) => (Number.isFinite(d.ci.half) ? `${(100 * d.ci.lo).toFixed(1)} – ${(100 * d.ci.hi).toFixed(1)} %` : "– (one seed)"),
            seeds: "seeds",
            diverged: "diverged",
            "dead units": (d) => d.deadUnits.toFixed(1),
          },
          format: {fx: false, x: false, y: false, fill: false},
          title: (d) => `${initShort(d.init)} · ${activationShort(d.activation)} · ${lrFormat(d.lr)}`,
        }),
      ),
    ],
  });
  chart.querySelectorAll("[data-key]").forEach((node) => ((node as SVGElement).style.cursor = "pointer"));
  if (onSelect)
    chart.addEventListener("click", (event) => {
      const key = keyAt(event);
      if (key) onSelect(key);
    });
  return chart;
}

/**
 * Mean accuracy against η (log x), one line per initialisation, faceted by activation, with the
 * seeds' min–max as whiskers. Each pair's usable range is a thick bar near the axis with a dot at
 * both ends, so a range of one η (lo = hi) shows as a dot; an optimum at the edge of the grid gets
 * an arrow pointing the way to try ("→ try larger").
 */
export function lrChart(summaries: ConfigSummary[], {width = 800}: {width?: number}) {
  const inits = [...new Set(summaries.map((s) => s.init))];
  const activations = [...new Set(summaries.map((s) => s.activation))];
  const ranges = usableRanges(summaries)
    .filter((r) => Number.isFinite(r.lo))
    .map((r) => ({...r, y: 4 + 4 * (inits.indexOf(r.init) % 4)}));
  const ends = ranges.flatMap((r) =>
    r.lo === r.hi
      ? [{...r, x: r.lo}]
      : [
          {...r, x: r.lo},
          {...r, x: r.hi},
        ],
  );
  const edges = usableRanges(summaries)
    .filter((r) => r.edge)
    .map((r) => ({...r, percent: 100 * r.best}));
  const rows = summaries.map((s) => ({...s, percent: 100 * s.accuracy, lo: 100 * s.accuracyMin, hi: 100 * s.accuracyMax}));
  const describe = (d: UsableRange) => `usable η for ${initShort(d.init)} · ${activationShort(d.activation)}: ${d.lo === d.hi ? d.lo : `${d.lo} – ${d.hi}`}`;
  return Plot.plot({
    width,
    height: 300,
    marginRight: 20,
    x: {type: "log", label: "learning rate η (log scale) →", tickFormat: "~g"},
    y: {label: "↑ final test accuracy (%)", domain: [0, 100], grid: true},
    color: {legend: true, label: "initialisation", tickFormat: initShort, domain: inits},
    fx: {label: null, tickFormat: activationShort, domain: activations},
    marks: [
      Plot.link(ranges, {x1: "lo", x2: "hi", y1: "y", y2: "y", fx: "activation", stroke: "init", strokeWidth: 4, strokeOpacity: 0.6, title: describe}),
      Plot.dot(ends, {x: "x", y: "y", fx: "activation", fill: "init", r: 3.5, title: describe}),
      Plot.ruleY([0]),
      Plot.link(rows, {x1: "lr", x2: "lr", y1: "lo", y2: "hi", fx: "activation", stroke: "init", strokeOpacity: 0.5}),
      Plot.line(rows, {x: "lr", y: "percent", fx: "activation", stroke: "init", marker: "circle"}),
      ...(["largest", "smallest"] as const).map((edge) =>
        Plot.text(
          edges.filter((d) => d.edge === edge),
          {
            x: "bestLr",
            y: "percent",
            fx: "activation",
            fill: "init",
            text: () => (edge === "largest" ? "try larger →" : "← try smaller"),
            textAnchor: edge === "largest" ? "end" : "start",
            dy: -12,
            fontSize: 11,
          },
        ),
      ),
      Plot.tip(rows, Plot.pointer({x: "lr", y: "percent", fx: "activation", stroke: "init", format: {percent: ".1f", fx: false}})),
    ],
  });
}

/** URL keys that describe the grid and its search (those of compare-params.ts); the others describe the view. */
const GRID_URL_KEYS = [...AXES.map((a) => a.urlKey), "seeds", "train", "test", "hidden", "epochs", "batch", "mu", "nesterov", ...SEARCH_URL_KEYS];

/**
 * The grid a Compare link opens with. A link that sets no grid parameter (or only ones that were
 * refused, listed in `problems`) opens the build-time report's grid; otherwise the link's grid
 * (`linked`, read by readCompareState over DEFAULT_GRID, so links keep their meaning).
 */
export function startGrid(search: string, linked: SweepGrid, report: SweepGrid, problems: string[]): SweepGrid {
  const params = new URLSearchParams(search);
  const applied = GRID_URL_KEYS.filter((key) => params.has(key) && !problems.some((p) => p.startsWith(`URL parameter ${key}=`)));
  return applied.length ? linked : report;
}

/**
 * The page's query string for `grid`, its `search` and `view` (startGrid's inverse): no grid
 * parameters for the report's grid searched as a grid; for anything else, its differences from
 * DEFAULT_GRID and the search's parameters (writeCompareState), and at least one grid parameter, so
 * that a grid equal to DEFAULT_GRID is not read back as the report's.
 */
export function compareSearch(grid: SweepGrid, view: CompareView, report: SweepGrid, search: SearchSpec = GRID_SEARCH): string {
  if (search.kind === "grid" && JSON.stringify(grid) === JSON.stringify(report)) return writeCompareState(DEFAULT_GRID, view);
  const text = writeCompareState(grid, view, search);
  const params = new URLSearchParams(text);
  if (!GRID_URL_KEYS.some((key) => params.has(key))) params.set("seeds", String(grid.seeds));
  return `?${params}`;
}

/**
 * The `npm run sweep` command that runs `grid` with `search` (every flag written out). A random or
 * successive-halving search draws η from `--lr-range lo,hi` when it has an η range (then no
 * `--lr`: the CLI's grid lists the range's lower end, as the page's does), and each other range
 * from its `--…-range` flag.
 */
export function sweepCommand(grid: SweepGrid, out = "results.json", search: SearchSpec = GRID_SEARCH): string {
  const lrRange = search.kind !== "grid" ? search.ranges.lr : undefined;
  const lines = [
    `npm run -s sweep -- --init ${grid.inits.join(",")} \\`,
    `  --activation ${grid.activations.join(",")} ${lrRange ? `--lr-range ${lrRange.join(",")}` : `--lr ${grid.lrs.join(",")}`} \\`,
    `  --seeds ${grid.seeds} --train ${grid.train} --test ${grid.test} --hidden ${grid.hidden.join(",")} \\`,
    `  --epochs ${grid.epochs} --batch ${grid.batch} --optimizer ${grid.optimizers.join(",")}${grid.optimizers.includes("momentum") ? ` --momentum ${grid.momentum}` : ""}${grid.nesterov ? " --nesterov" : ""}${extraAxes(grid)} \\`,
  ];
  if (search.kind !== "grid") {
    const ranges = RANGE_AXES.filter((name) => name !== "lr" && search.ranges[name]).map((name) => ` ${axis(name).flag}-range ${search.ranges[name]!.join(",")}`);
    const asha = search.kind === "asha" ? ` --reduction ${search.reduction} --rungs ${search.rungs} --brackets ${search.brackets}` : "";
    lines.push(`  --search ${search.kind} --trials ${search.trials} --search-seed ${search.seed}${asha}${ranges.join("")} \\`);
  }
  const last = lines.length - 1;
  lines[last] = lines[last].replace(/ \\$/, ` --out ${out}`);
  return lines.join("\n");
}

/** The flags of the axes after the optimiser that differ from one neutral value (weight decay, dropout, schedule, warm-up). */
function extraAxes(grid: SweepGrid): string {
  return AXES.slice(4)
    .filter((a) => !(grid[a.gridKey].length === 1 && grid[a.gridKey][0] === a.neutral))
    .map((a) => ` ${a.flag} ${grid[a.gridKey].join(",")}`)
    .join("");
}

/**
 * Final test accuracy against each hyperparameter the sweep varies, as small multiples (one Plot
 * per axis, since each has its own x scale: log for η and λ, a point scale for choices, linear for
 * the others), one dot per run. `kept` (configuration keys; null for all) is the page's filter:
 * the runs it drops stay as faint grey dots for context. Diverged runs have no accuracy and are
 * left out (the caption counts them).
 */
export function accuracyScatter(runs: readonly SweepResult[], {axes, kept = null, width = 800}: {axes: readonly AxisName[]; kept?: Set<string> | null; width?: number}): HTMLElement {
  const columns = Math.max(1, Math.min(axes.length, Math.floor(width / 260)));
  const cell = Math.floor((width - 16 * (columns - 1)) / columns);
  const finite = runs.filter((r) => Number.isFinite(r.testAccuracy));
  const rows = finite.map((r) => ({...r.config, percent: 100 * r.testAccuracy, kept: !kept || kept.has(r.key), key: r.key, seed: r.seed}));
  const keptRows = rows.filter((r) => r.kept);
  const dropped = rows.filter((r) => !r.kept);
  const root = document.createElement("div");
  root.className = "accuracy-scatter";
  root.style.cssText = `display:grid;grid-template-columns:repeat(${columns}, ${cell}px);gap:8px 16px`;
  for (const name of axes) {
    const a = axis(name);
    const log = a.kind === "log" && rows.every((r) => (r[name] as number) > 0);
    const chart = Plot.plot({
      width: cell,
      height: 200,
      marginLeft: 40,
      marginBottom: 36,
      x:
        a.kind === "choice"
          ? {
              type: "point",
              label: `${a.label} →`,
              domain: (a.options as readonly string[]).filter((o) => rows.some((r) => r[name] === o)),
              padding: 0.5,
              tickFormat: (v: string) => choiceLabel(name, v),
            }
          : {type: log ? "log" : "linear", label: `${a.label} →`, tickFormat: "~g", ticks: 4},
      y: {domain: [0, 100], label: "↑ accuracy (%)", grid: true},
      color: {type: "sequential", scheme: "viridis", domain: [0, 100]},
      marks: [
        Plot.dot(dropped, {x: name, y: "percent", r: 2.5, fill: "currentColor", fillOpacity: 0.15}),
        Plot.dot(keptRows, {x: name, y: "percent", r: 3, fill: "percent", stroke: "currentColor", strokeWidth: 0.4, tip: {channels: {seed: "seed"}, format: {x: true, y: ".1f", fill: false}}}),
      ],
    });
    chart.setAttribute("data-axis", name);
    root.append(chart);
  }
  return root;
}
