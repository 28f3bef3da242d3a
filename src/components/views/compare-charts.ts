/**
 * The Compare page's figures, drawn with Observable Plot from a sweep results file: smoothed
 * learning curves with a band across seeds, the final-accuracy heatmap, accuracy against η on a
 * log axis with each pair's usable range, and the aggregation they share.
 */
import * as Plot from "@observablehq/plot";
import {deviation, group, max, mean, min} from "d3";
import {emaSmooth, type SweepFile, type SweepResult} from "../runs/sweep.js";

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
    };
  });
}

/**
 * Each pair's usable range of η: the learning rates whose mean accuracy is at least `share` of
 * the pair's best (default 90 %). Returns one entry per init × activation.
 */
export function usableRanges(summaries: ConfigSummary[], share = 0.9): {init: string; activation: string; lo: number; hi: number; best: number}[] {
  return [...group(summaries, (s) => `${s.init}|${s.activation}`).values()].map((pair) => {
    const best = max(pair, (s) => (Number.isFinite(s.accuracy) ? s.accuracy : 0)) ?? 0;
    const usable = pair.filter((s) => Number.isFinite(s.accuracy) && s.accuracy >= share * best && best > 0.2);
    return {init: pair[0].init, activation: pair[0].activation, lo: min(usable, (s) => s.lr) ?? NaN, hi: max(usable, (s) => s.lr) ?? NaN, best};
  });
}

export type CurveMetric = "testAccuracy" | "trainLoss";

/** Curve rows: per configuration and curve point, the mean and spread across seeds of the smoothed metric. */
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
      const m = mean(values)!,
        sd = values.length > 1 ? deviation(values)! : 0;
      const point = runs.find((r) => r.curve[i])!.curve[i];
      rows.push({key, init: runs[0].config.init, activation: runs[0].config.activation, lr: runs[0].config.lr, epoch: point.epoch, mean: m, lo: m - sd, hi: m + sd});
    }
  }
  return rows;
}

const lrFormat = (x: number) => `η ${x}`;

/** Learning curves: facets init (columns) × activation (rows), one line per η (log colour), band = mean ± 1 sd across seeds. */
export function curvesChart(
  file: SweepFile,
  {metric = "testAccuracy", smoothing = 0.6, selected = null, width = 800}: {metric?: CurveMetric; smoothing?: number; selected?: string | null; width?: number},
) {
  const rows = curveRows(file, metric, smoothing);
  const dim = (d: {key: string}) => (selected && d.key !== selected ? 0.18 : 1);
  return Plot.plot({
    width,
    height: 120 + 150 * file.grid.activations.length,
    marginRight: 80,
    x: {label: "epochs →"},
    y: {label: metric === "testAccuracy" ? "↑ test accuracy (%, smoothed)" : "↓ training loss (cross-entropy, nats, smoothed)", grid: true, ...(metric === "testAccuracy" ? {domain: [0, 100]} : {})},
    color: {type: "log", scheme: "viridis", legend: true, label: "learning rate η", tickFormat: "~g"},
    fx: {label: null},
    fy: {label: null},
    marks: [
      Plot.areaY(rows, {x: "epoch", y1: "lo", y2: "hi", fx: "init", fy: "activation", z: "key", fill: "lr", fillOpacity: (d) => 0.15 * dim(d)}),
      Plot.line(rows, {x: "epoch", y: "mean", fx: "init", fy: "activation", z: "key", stroke: "lr", strokeOpacity: dim, strokeWidth: (d) => (selected && d.key === selected ? 3 : 1.5)}),
      Plot.tip(rows, Plot.pointer({x: "epoch", y: "mean", fx: "init", fy: "activation", channels: {η: "lr"}, format: {mean: ".3~f", epoch: ".2f", fx: false, fy: false}})),
    ],
  });
}

/** Final accuracy heatmap: init × η, faceted by activation; the text is the mean accuracy (%), "div" when every seed diverged. */
export function heatmapChart(summaries: ConfigSummary[], {selected = null, width = 800}: {selected?: string | null; width?: number}) {
  const lrs = [...new Set(summaries.map((s) => s.lr))].sort((a, b) => a - b);
  return Plot.plot({
    width,
    height: 90 + 36 * new Set(summaries.map((s) => s.init)).size * 1,
    marginLeft: 100,
    marginBottom: 40,
    x: {type: "band", domain: lrs, label: "learning rate η →", tickFormat: (x: number) => String(x)},
    y: {label: null},
    fx: {label: null},
    color: {type: "linear", domain: [0, 100], scheme: "viridis", legend: true, label: "final test accuracy (%)"},
    marks: [
      Plot.cell(summaries, {
        x: "lr",
        y: "init",
        fx: "activation",
        fill: (d) => (Number.isFinite(d.accuracy) ? 100 * d.accuracy : null),
        inset: 0.5,
        stroke: (d) => (d.key === selected ? "currentColor" : "none"),
        strokeWidth: 2.5,
      }),
      Plot.text(summaries, {
        x: "lr",
        y: "init",
        fx: "activation",
        text: (d) => (Number.isFinite(d.accuracy) ? (100 * d.accuracy).toFixed(0) : "div"),
        fill: (d) => (d.accuracy > 0.6 ? "black" : "white"),
        stroke: (d) => (d.accuracy > 0.6 ? "none" : "black"),
        strokeWidth: 0.3,
        fontSize: 11,
      }),
      Plot.tip(
        summaries,
        Plot.pointer({
          x: "lr",
          y: "init",
          fx: "activation",
          channels: {accuracy: (d) => (100 * d.accuracy).toFixed(1) + " %", seeds: "seeds", diverged: "diverged", "dead units": (d) => d.deadUnits.toFixed(1)},
          format: {fx: false, x: false, y: false, fill: false},
          title: (d) => `${d.init} · ${d.activation} · ${lrFormat(d.lr)}`,
        }),
      ),
    ],
  });
}

/** Mean accuracy against η (log x), one line per initialisation, faceted by activation; usable range drawn as a band. */
export function lrChart(summaries: ConfigSummary[], {width = 800}: {width?: number}) {
  const ranges = usableRanges(summaries).filter((r) => Number.isFinite(r.lo));
  const rows = summaries.map((s) => ({...s, percent: 100 * s.accuracy, lo: 100 * s.accuracyMin, hi: 100 * s.accuracyMax}));
  return Plot.plot({
    width,
    height: 300,
    marginRight: 20,
    x: {type: "log", label: "learning rate η (log scale) →", tickFormat: "~g"},
    y: {label: "↑ final test accuracy (%)", domain: [0, 100], grid: true},
    color: {legend: true, label: "initialisation"},
    fx: {label: null},
    marks: [
      Plot.link(ranges, {
        x1: "lo",
        x2: "hi",
        y1: (d, i) => 4 + 4 * (i % 3),
        y2: (d, i) => 4 + 4 * (i % 3),
        fx: "activation",
        stroke: "init",
        strokeWidth: 4,
        strokeOpacity: 0.6,
        title: (d) => `usable η for ${d.init} · ${d.activation}: ${d.lo} – ${d.hi}`,
      }),
      Plot.ruleY([0]),
      Plot.link(rows, {x1: "lr", x2: "lr", y1: "lo", y2: "hi", fx: "activation", stroke: "init", strokeOpacity: 0.5}),
      Plot.line(rows, {x: "lr", y: "percent", fx: "activation", stroke: "init", marker: "circle"}),
      Plot.tip(rows, Plot.pointer({x: "lr", y: "percent", fx: "activation", stroke: "init", format: {percent: ".1f", fx: false}})),
    ],
  });
}
